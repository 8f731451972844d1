"""Notebook views benchmark: how long the runs browser takes to open on many runs and
turn to a page.

    .venv/bin/python benchmarks/bench_views.py               # 1000 runs
    .venv/bin/python benchmarks/bench_views.py --runs 5000

Seeds ``--runs`` runs (a name and a tag each) in a throwaway SQLite store, then times
``RunsBrowser(experiment_ids=[...])`` (one search of every run, the table built) and
``show_page(n)`` (the middle page), each the median of ``--repeats`` after a warm-up.
The target: opening on 1000 runs and turning a page under 5 s together (the check that
``tests/views/test_views.py`` made before timings left the tests).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

TARGET_S = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import jupyterlab_tracker as jt
    from jupyterlab_tracker.views import RunsBrowser

    root = Path(tempfile.mkdtemp(prefix="bench-views-"))
    jt.set_tracking_uri(f"sqlite:///{root}/tracker.db")
    client = jt.TrackerClient(jt.get_tracking_uri(), artifact_root=str(root / "artifacts"))
    experiment_id = client.create_experiment("many")
    for i in range(args.runs):
        client.create_run(experiment_id, run_name=f"run-{i}", tags={"i": str(i)})
    client.close()

    middle = max(0, args.runs // 2 // 50)
    opened, paged = [], []
    for _ in range(args.repeats + 1):  # the first is the warm-up
        started = time.perf_counter()
        browser = RunsBrowser(experiment_ids=[experiment_id])
        shown = time.perf_counter()
        browser.show_page(middle)
        opened.append(shown - started)
        paged.append(time.perf_counter() - shown)
    open_s, page_s = statistics.median(opened[1:]), statistics.median(paged[1:])
    print(f"runs browser on {args.runs:,} runs: open {open_s * 1000:.0f} ms")
    print(f"runs browser, turn to page {middle + 1}: {page_s * 1000:.0f} ms")
    print(f"  ({browser.page_label.value}; target: both under {TARGET_S:g} s)")


if __name__ == "__main__":
    main()
