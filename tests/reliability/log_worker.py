"""A training script in a subprocess: logs ``points`` steps of metric "m" through the
fluent API (buffered, like a notebook), then ends its run.

    python log_worker.py URI EXPERIMENT_NAME POINTS [FLUSH_EVERY]

Prints ``run <id>`` first. With FLUSH_EVERY it calls ``jt.flush()`` every that many
points and prints ``flushed <step>`` once flush has returned: the crash test kills it
and checks that every step up to the last one printed is stored. HTTP URIs read the
token from $JUPYTERLAB_TRACKER_TOKEN. Warnings go to stderr, which callers check.
"""

from __future__ import annotations

import logging
import sys

import jupyterlab_tracker as jt


def main(uri: str, experiment: str, points: int, flush_every: int = 0) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    jt.set_tracking_uri(uri)
    jt.set_experiment(experiment)
    with jt.start_run() as run:
        print("run", run.info.run_id, flush=True)
        for step in range(points):
            jt.log_metric("m", float(step), step=step)
            if flush_every and (step + 1) % flush_every == 0:
                jt.flush()
                print("flushed", step, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *map(int, sys.argv[3:]))
