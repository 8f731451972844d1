"""Autologging overhead on a Lightning training loop: jt's Logger against no logger at all
(target: 3% or less).

    .venv/bin/python benchmarks/bench_autolog_lightning.py [--steps 10000] [--repeats 5]

One loop is ``--steps`` training steps of a tiny model (Linear 8 -> 16 -> 1, batch 32, SGD)
on CPU, one epoch, ``self.log("loss", ...)`` every step and ``log_every_n_steps=1``, no
progress bar, no checkpointing, no validation. Two setups, interleaved repeat by repeat so
that a busy moment of a shared machine falls on both:

- ``none``: ``Trainer(logger=False)``: Lightning computes the logged value but no logger
  receives it;
- ``jt``: ``jt.lightning.autolog()`` (what ``jt.autolog()`` turns on for Lightning) with
  ``logger=False`` (the patched ``fit`` adds jt's Logger):
  every point goes to jt's buffer, the writer thread writes batches to a SQLite store, the
  run starts and ends, params and the model summary are written, and the final model is
  logged (the whole fit is timed, so all of it counts).

Prints each setup's median and minimum wall time, and CPU time of the whole process (all
threads: jt's writer thread counts; less disturbed by other processes on a shared machine
than wall time), the overhead of the medians and of the minimums, and checks that the run
holds every step.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from lightning.pytorch import LightningModule, Trainer  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

import jupyterlab_tracker as jt  # noqa: E402

BATCH = 32


class Tiny(LightningModule):
    def __init__(self) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1)
        )

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.net(x), y)
        self.log("loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.01)


def data(steps: int) -> DataLoader:
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(steps * BATCH, 8, generator=generator)
    return DataLoader(TensorDataset(x, x.sum(dim=1, keepdim=True)), batch_size=BATCH)


def one_fit(loader: DataLoader, root: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process: every thread, jt's writer too)."""
    torch.manual_seed(0)
    trainer = Trainer(
        max_epochs=1,
        logger=False,
        log_every_n_steps=1,
        accelerator="cpu",
        devices=1,
        enable_progress_bar=False,
        enable_model_summary=False,
        enable_checkpointing=False,
        default_root_dir=root,
    )
    model = Tiny()
    started, cpu = time.perf_counter(), time.process_time()
    trainer.fit(model, loader)
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    logging.getLogger("lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    torch.set_num_threads(1)

    loader = data(args.steps)
    times: dict[str, list[tuple[float, float]]] = {"none": [], "jt": []}
    with tempfile.TemporaryDirectory() as tmp:
        jt.set_tracking_uri(f"sqlite:///{tmp}/bench.db")
        # Warm-up: imports, first allocations, and the store's creation (its schema is
        # made by the session's first run: once, not per fit).
        one_fit(data(50), tmp)
        jt.lightning.autolog()
        one_fit(data(50), tmp)
        for _ in range(args.repeats):
            jt.lightning.autolog(disable=True)
            times["none"].append(one_fit(loader, tmp))
            jt.lightning.autolog()
            times["jt"].append(one_fit(loader, tmp))
            run = jt.last_active_run()
            points = jt.get_metric_history(run.info.run_id, "loss")
            assert len(points) == args.steps, (len(points), args.steps)
            assert [p.step for p in points[:3]] == [0, 1, 2]
        jt.lightning.autolog(disable=True)
        from jupyterlab_tracker.client import fluent

        if fluent._session.client is not None:
            fluent._session.client.close()

    print(f"Lightning, {args.steps:,} steps, logging every step, {args.repeats} repeats")
    for index, what in ((0, "wall"), (1, "CPU")):
        for name, label in (("none", "logger=False"), ("jt", "jt autolog")):
            values = [each[index] for each in times[name]]
            per_step = statistics.median(values) / args.steps * 1e6
            print(
                f"  {what:<4} {label:<14} median {statistics.median(values):7.2f} s  "
                f"min {min(values):7.2f} s  ({per_step:.0f} µs a step)"
            )
        ours = [each[index] for each in times["jt"]]
        theirs = [each[index] for each in times["none"]]
        median = statistics.median(ours) / statistics.median(theirs) - 1
        minimum = min(ours) / min(theirs) - 1
        print(
            f"  {what} overhead: {median * 100:+.1f}% (medians), {minimum * 100:+.1f}% "
            "(minimums); target 3%"
        )


if __name__ == "__main__":
    main()
