"""Seed a few demo experiments into the default store, once (Binder's postBuild runs it)."""

from __future__ import annotations

import math
import random

import jupyterlab_tracker as jt

DEMO_EXPERIMENTS = {
    "mnist/classification/cnn": ["relu", "gelu", "tanh"],
    "fraud/tabular/xgboost": ["depth-4", "depth-6", "depth-8"],
}


def seed() -> None:
    if jt.get_experiment_by_name(next(iter(DEMO_EXPERIMENTS))) is not None:
        print("demo data already present")
        return
    rng = random.Random(7)
    for experiment, variants in DEMO_EXPERIMENTS.items():
        jt.set_experiment(experiment)
        for variant in variants:
            lr = rng.choice([0.1, 0.01, 0.001])
            with jt.start_run(run_name=variant, tags={"team": "demo"}):
                jt.log_params({"variant": variant, "lr": lr, "epochs": 30})
                for step in range(30):
                    loss = math.exp(-step * lr * 10) + rng.random() * 0.05
                    jt.log_metrics({"loss": loss, "accuracy": 1 - loss / 2}, step=step)
    jt.flush()
    print("seeded", sum(len(v) for v in DEMO_EXPERIMENTS.values()), "demo runs")


if __name__ == "__main__":
    seed()
