"""Storage of a 1,000-run experiment on local files (service call, as the route makes it).

    python benchmarks/bench_storage.py [--runs 1000] [--files 3] [--points 200]

Each run gets ``--files`` artifact files of 4 kB and ``--points`` metric points; prints the
median of 5 ``CleanupService.experiment_storage`` calls (artifact walk + one count query).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from jupyterlab_tracker.artifacts import ArtifactRepository
from jupyterlab_tracker.entities import Metric
from jupyterlab_tracker.service.cleanup import CleanupService
from jupyterlab_tracker.service.factory import open_tracking


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--points", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tracking = open_tracking(f"sqlite:///{tmp}/b.db", f"{tmp}/artifacts")
        experiment_id = tracking.create_experiment("storage")
        for index in range(args.runs):
            run = tracking.create_run(experiment_id, run_name=f"r{index}")
            points = [Metric("loss", 1.0, 1000 + s, s) for s in range(args.points)]
            tracking.log_batch(run.info.run_id, metrics=points)
            repository = ArtifactRepository(run.info.artifact_uri)
            for number in range(args.files):
                with repository.open_upload(f"d/f{number}.bin") as file:
                    file.write(b"x" * 4096)
        cleanup = CleanupService(tracking)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            report = cleanup.experiment_storage(experiment_id)
            times.append(time.perf_counter() - start)
        print(
            f"{args.runs} runs, {report.total.artifact_files} files, "
            f"{report.total.metric_points} points: median {statistics.median(times) * 1000:.0f} ms"
        )
        tracking.close()


if __name__ == "__main__":
    main()
