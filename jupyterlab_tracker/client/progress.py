"""Progress for long artifact transfers: tqdm when installed, else one stderr line.

Nothing is shown for quick transfers: a bar appears once a transfer has run for
``SHOW_AFTER_SECONDS`` or when it is bigger than ``SHOW_ABOVE_BYTES``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator

SHOW_AFTER_SECONDS = 3.0
SHOW_ABOVE_BYTES = 50 * 1024 * 1024


class _StderrLine:
    """The fallback bar: one line rewritten in place."""

    def __init__(self, total: int | None, description: str):
        self.total, self.description, self.done = total, description, 0

    def update(self, count: int) -> None:
        self.done += count
        mb = self.done / 1e6
        if self.total:
            text = f"{mb:,.1f} / {self.total / 1e6:,.1f} MB ({100 * self.done / self.total:.0f}%)"
        else:
            text = f"{mb:,.1f} MB"
        sys.stderr.write(f"\r{self.description}: {text}")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


def _open_bar(total: int | None, description: str, initial: int):
    try:
        from tqdm.auto import tqdm
    except ImportError:
        bar = _StderrLine(total, description)
        bar.update(initial)
        return bar
    return tqdm(
        total=total, initial=initial, desc=description, unit="B", unit_scale=True, leave=False
    )


def track(chunks: Iterable[bytes], total: int | None, description: str) -> Iterator[bytes]:
    """Yield ``chunks`` unchanged, showing progress if the transfer is big or slow."""
    started, done, bar = time.monotonic(), 0, None
    big = total is not None and total > SHOW_ABOVE_BYTES
    try:
        for chunk in chunks:
            done += len(chunk)
            if bar is not None:
                bar.update(len(chunk))
            elif big or time.monotonic() - started > SHOW_AFTER_SECONDS:
                bar = _open_bar(total, description, done)
            yield chunk
    finally:
        if bar is not None:
            bar.close()


def file_chunks(path: str, chunk_size: int) -> Iterator[bytes]:
    with open(path, "rb") as file:
        while chunk := file.read(chunk_size):
            yield chunk
