"""How the notebook views name a run: by its name, and where an id must show, by the part
of the id that tells it apart from the other ids shown.

Run ids are time-ordered (UUIDv7, ``store/ids.py``): runs made together share their first
eight digits, while the last digits are random. So each id is shown by its shortest suffix
that ends no other id of the view, at least ``MIN_ID_PART`` digits long. The panel follows
the same rule (``src/runIdentity.ts``; ``tests/views/test_run_identity_parity.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

MIN_ID_PART = 6
ID_PART_MARK = "…"


def _common_suffix_length(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def id_parts(ids: Iterable[str], min_length: int = MIN_ID_PART) -> dict[str, str]:
    """For each distinct id: its shortest suffix, of at least ``min_length`` characters,
    that is not the end of any other id. An id that ends another one is shown whole."""
    # Sorted by reversed text, an id's longest common suffix with any other id is its
    # common suffix with one of its two neighbours.
    ordered = sorted(dict.fromkeys(ids), key=lambda i: i[::-1])
    parts = {}
    for i, run_id in enumerate(ordered):
        shared = max(
            _common_suffix_length(run_id, ordered[i - 1]) if i > 0 else 0,
            _common_suffix_length(run_id, ordered[i + 1]) if i + 1 < len(ordered) else 0,
        )
        length = min(len(run_id), max(min_length, shared + 1))
        parts[run_id] = run_id[len(run_id) - length :]
    return parts


def id_part_text(run_id: str, part: str) -> str:
    """``…<part>``, or the id itself when the part is all of it."""
    return run_id if part == run_id else ID_PART_MARK + part


def run_labels(run_ids: Sequence[str], names: Sequence[str]) -> list[str]:
    """A label per run, unique among the runs given: its name; where two runs share a
    name, the name and the distinguishing part of the id (``name (…3f9a1c)``); a run
    without a name, the part of its id alone."""
    parts = id_parts(run_ids)
    ids_by_name: dict[str, set[str]] = {}
    for run_id, name in zip(run_ids, names, strict=True):
        ids_by_name.setdefault(name, set()).add(run_id)
    labels = []
    for run_id, name in zip(run_ids, names, strict=True):
        id_text = id_part_text(run_id, parts[run_id])
        if not name:
            labels.append(id_text)
        elif len(ids_by_name[name]) > 1:
            labels.append(f"{name} ({id_text})")
        else:
            labels.append(name)
    return labels
