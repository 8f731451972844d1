"""Transfer progress: nothing for small quick transfers, a bar for big or slow ones."""

from __future__ import annotations

import sys

from jupyterlab_tracker.client import progress


def test_small_quick_transfers_show_nothing(capsys):
    assert b"".join(progress.track([b"ab", b"cd"], 4, "f")) == b"abcd"
    assert capsys.readouterr().err == ""


def test_big_transfers_show_progress_without_tqdm(capsys, monkeypatch):
    monkeypatch.setattr(progress, "SHOW_ABOVE_BYTES", 3)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # as if tqdm were not installed
    chunks = list(progress.track([b"x" * 1_000_000] * 4, 4_000_000, "model.pkl"))
    assert len(chunks) == 4
    err = capsys.readouterr().err
    assert "model.pkl" in err and "4.0 / 4.0 MB (100%)" in err


def test_slow_transfers_show_progress(capsys, monkeypatch):
    monkeypatch.setattr(progress, "SHOW_AFTER_SECONDS", 0.0)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    list(progress.track([b"x"] * 3, None, "stream"))
    assert "stream:" in capsys.readouterr().err
