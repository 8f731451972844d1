"""A data scientist's notebook, written once: train a small classifier on iris with a
parameter sweep (nested runs), log what a notebook logs, register the best model.

``X`` is ``mlflow`` or ``jupyterlab_tracker`` ($PARITY_CLIENT); every call below goes
through ``X`` and is the same text for both. test_mlflow_parity_script.py runs it once with
each into its own experiment ($PARITY_EXPERIMENT) on the same lab server and compares what
each left in the store (the store is the result; the last line printed is a summary).
"""

import json
import os
import tempfile

if os.environ["PARITY_CLIENT"] == "mlflow":
    import mlflow as X
else:
    import jupyterlab_tracker as X

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.linear_model import SGDClassifier  # noqa: E402
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

EXPERIMENT = os.environ["PARITY_EXPERIMENT"]
EPOCHS = 6

X.set_experiment(EXPERIMENT)

iris = load_iris(as_frame=True)
train_x, test_x, train_y, test_y = train_test_split(
    iris.data, iris.target, test_size=0.3, random_state=0, stratify=iris.target
)

with X.start_run(run_name="sgd-sweep", description="alpha sweep on iris") as sweep:
    X.log_params({"test_size": 0.3, "split_seed": 0, "epochs": EPOCHS})
    X.set_tags({"team": "vision", "dataset": "iris"})
    X.log_dict({"features": list(iris.data.columns), "classes": 3}, "config.json")
    X.log_dict({"optimizer": "sgd", "loss": "log_loss"}, "config.yaml")

    for alpha in (0.0001, 0.01):
        with X.start_run(run_name=f"alpha={alpha}", nested=True):
            X.log_param("alpha", alpha)
            X.set_tag("model_family", "linear")
            model = SGDClassifier(loss="log_loss", alpha=alpha, random_state=0)
            for epoch in range(EPOCHS):
                model.partial_fit(train_x, train_y, classes=[0, 1, 2])
                X.log_metric(
                    "train_loss", log_loss(train_y, model.predict_proba(train_x)), step=epoch
                )
                X.log_metrics(
                    {
                        "train_acc": accuracy_score(train_y, model.predict(train_x)),
                        "test_acc": accuracy_score(test_y, model.predict(test_x)),
                    },
                    step=epoch,
                )
            predictions = model.predict(test_x)
            X.log_metric("final_test_acc", accuracy_score(test_y, predictions))

            results = test_x.assign(label=test_y.values, prediction=predictions)
            X.log_table(results.head(10), "eval/predictions.json")
            X.log_text(
                "\n".join(
                    f"{name}: {coef:.6f}"
                    for name, coef in zip(iris.data.columns, model.coef_[0], strict=True)
                ),
                "notes/coefficients.txt",
            )

            figure, axes = plt.subplots(figsize=(3, 3))
            axes.imshow(confusion_matrix(test_y, predictions), cmap="Blues")
            axes.set_title(f"alpha={alpha}")
            X.log_figure(figure, "plots/confusion.png")
            plt.close(figure)
            X.log_image(np.abs(model.coef_) / np.abs(model.coef_).max(), "plots/weights.png")

            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "misclassified.csv")
                results[results.label != results.prediction].to_csv(path, index=False)
                X.log_artifact(path, "data")

            info = X.sklearn.log_model(
                model,
                name="model",
                input_example=test_x.head(3),
                serialization_format="cloudpickle",
            )
            reloaded = X.sklearn.load_model(info.model_uri)
            X.log_metric("reloaded_test_acc", accuracy_score(test_y, reloaded.predict(test_x)))

    # A run that went wrong, ended by hand with its status.
    X.start_run(run_name="diverged", nested=True)
    X.log_metric("train_loss", float("nan"), step=0)
    X.end_run(status="FAILED")

runs = X.search_runs(
    experiment_names=[EXPERIMENT],
    filter_string="attributes.status = 'FINISHED' and params.alpha != ''",
    order_by=["metrics.final_test_acc DESC", "params.alpha ASC"],
)
best_run_id = runs.iloc[0]["run_id"]
version = X.register_model(f"runs:/{best_run_id}/model", f"{EXPERIMENT}-classifier")
with X.start_run(run_id=sweep.info.run_id):
    X.set_tag("best_run", best_run_id)
    X.log_param("registered_version", version.version)
    X.log_metric("runs_found", len(runs))
print(json.dumps({"best_run": runs.iloc[0]["tags.mlflow.runName"], "runs_found": len(runs)}))
