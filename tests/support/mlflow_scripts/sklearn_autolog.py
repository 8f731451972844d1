"""scikit-learn autologging, written once for ``X`` = mlflow or jupyterlab_tracker
(``AUTOLOG_CLIENT``), logging to the lab server from the environment like user code.

Fits a Pipeline, a regressor and a GridSearchCV with no active run (autologging starts
and ends each run); prints the run ids as one JSON report on its last line, for
tests/client/test_autolog_sklearn.py to read back and compare.
"""

import importlib
import json
import os
import warnings

from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
X = importlib.import_module(os.environ["AUTOLOG_CLIENT"])
X.set_experiment(os.environ["AUTOLOG_EXPERIMENT"])
X.autolog()

features, labels = load_iris(return_X_y=True)
report = {}
make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)).fit(features, labels)
report["pipeline"] = X.last_active_run().info.run_id
Ridge(alpha=0.5).fit(*load_diabetes(return_X_y=True))
report["regressor"] = X.last_active_run().info.run_id
search = GridSearchCV(LogisticRegression(max_iter=300), {"C": [0.1, 1.0, 10.0]}, cv=3)
search.fit(features, labels)
report["search"] = X.last_active_run().info.run_id
report["active_after"] = X.active_run() is not None
X.flush() if hasattr(X, "flush") else None
print(json.dumps(report))
