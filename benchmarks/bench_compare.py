"""Compare widget with many runs: time from the command to every chart drawn.

Seeds a store with R runs of M metrics with S steps each (default 100 x 10 x 10,000:
ten million points) through an embedded TrackerClient, starts JupyterLab on it, runs
``jupyterlab-tracker:compare`` with every run id in Debian's headless chromium and prints:

- command -> tables: the parameter diff table with a column per run;
- command -> charts: the history overlay with a line per run, parallel coordinates and
  the scatter, all drawn as SVG marks (histories are fetched downsampled, ~500 points
  each, eight requests at a time, the shown metric's first);
- command -> every history: all R x M histories loaded (the metric table's min/max);
- metric switch: choosing another metric in the overlay until its lines are drawn.

Usage: python benchmarks/bench_compare.py [--runs 100] [--metrics 10] [--steps 10000]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui-tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from helpers import lab_live_server, open_lab  # noqa: E402

from jupyterlab_tracker import TrackerClient  # noqa: E402
from jupyterlab_tracker.entities import Metric, Param  # noqa: E402

EXPERIMENT = "bench/compare"
BATCH = 1000  # the service's batch limit

START_COMPARE = """
runIds => { window.jupyterapp.commands.execute('jupyterlab-tracker:compare', { runIds }); }
"""

CHARTS_DRAWN = """
runs => {
  const count = selector => document.querySelectorAll(selector).length;
  return count('.jp-tracker-compare-history svg.marks .mark-line path') >= runs &&
    count('.jp-tracker-compare-parallel svg.marks .mark-line path') >= runs &&
    count('.jp-tracker-compare-scatter svg.marks .mark-symbol path') >= runs;
}
"""


def seed(store_uri: str, runs: int, metrics: int, steps: int) -> list[str]:
    client = TrackerClient(store_uri)
    experiment_id = client.create_experiment(EXPERIMENT)
    rng = random.Random(0)
    now = int(time.time() * 1000)
    run_ids = []
    for i in range(runs):
        run_id = client.create_run(experiment_id, run_name=f"run-{i:03d}").info.run_id
        run_ids.append(run_id)
        rate = rng.uniform(0.0002, 0.002)
        points = [
            Metric(
                f"m{k}", math.exp(-rate * step * (k + 1)) + rng.random() * 0.05, now + step, step
            )
            for k in range(metrics)
            for step in range(steps)
        ]
        for start in range(0, len(points), BATCH):
            client.log_batch(run_id, metrics=points[start : start + BATCH])
        client.log_batch(
            run_id,
            params=[Param("lr", str(rate)), Param("depth", str(rng.randint(2, 12)))],
        )
        client.set_terminated(run_id)
    client.flush()
    client.close()
    return run_ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--metrics", type=int, default=10)
    parser.add_argument("--steps", type=int, default=10_000)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="bench-compare-"))
    started = time.perf_counter()
    run_ids = seed(f"sqlite:///{root / 'tracker.db'}", args.runs, args.metrics, args.steps)
    points = args.runs * args.metrics * args.steps
    print(f"seeded {args.runs} runs x {args.metrics} metrics x {args.steps} steps ", end="")
    print(f"({points:,} points) in {time.perf_counter() - started:.1f} s")

    server = lab_live_server(root)
    with server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(300_000)
        open_lab(page, server)

        clicked = time.perf_counter()
        page.evaluate(START_COMPARE, run_ids)
        page.wait_for_function(
            "runs => document.querySelectorAll("
            "'.jp-tracker-compare-params thead th.jp-tracker-compare-run').length >= runs",
            arg=args.runs,
        )
        tables_s = time.perf_counter() - clicked
        page.wait_for_function(CHARTS_DRAWN, arg=args.runs, polling=50)
        charts_s = time.perf_counter() - clicked
        page.wait_for_selector(".jp-tracker-compare[data-pending-histories='0']")
        histories_s = time.perf_counter() - clicked

        switched = time.perf_counter()
        page.locator(".jp-tracker-compare-history select").first.select_option("m1")
        page.wait_for_function(
            """runs => [...document.querySelectorAll(
                '.jp-tracker-compare-history svg.marks .role-title text')]
                .some(t => t.textContent === 'm1') &&
              document.querySelectorAll(
                '.jp-tracker-compare-history svg.marks .mark-line path').length >= runs""",
            arg=args.runs,
            polling=50,
        )
        switch_s = time.perf_counter() - switched
        browser.close()

    print(f"command -> tables            {tables_s * 1000:8.0f} ms")
    print(f"command -> all charts drawn  {charts_s * 1000:8.0f} ms  ({args.runs} runs)")
    print(f"command -> every history     {histories_s * 1000:8.0f} ms  (min/max of all metrics)")
    print(f"metric switch -> redrawn     {switch_s * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
