"""XGBoost and LightGBM models in MLflow's ``xgboost`` and ``lightgbm`` flavors, as
``mlflow.xgboost.save_model`` and ``mlflow.lightgbm.save_model`` write them (MLflow 3), so
``mlflow.xgboost.load_model``, ``mlflow.lightgbm.load_model`` and ``mlflow.pyfunc`` take a
jt model. ``models.py`` calls in here; the libraries are looked up in ``sys.modules`` for
detection, never imported for it.

- ``xgboost``: a ``Booster`` or a scikit-learn API model (``XGBClassifier``, ...) saved with
  its own ``save_model`` as UBJSON (``model.ubj``, MLflow's default format). Loading builds
  the class the descriptor names (only a Booster or an ``xgboost.sklearn`` model class) and
  calls its ``load_model``: the file is data, no code runs.
- ``lightgbm``: a ``Booster`` saved with ``save_model`` as LightGBM's text model
  (``model.lgb``), loaded with ``Booster(model_file=...)`` (data, no code runs); a
  scikit-learn API model (``LGBMClassifier``, ...) pickled in ``model.pkl`` (cloudpickle),
  which loads by unpickling: that runs the file's code, as for every pickled model.
"""

from __future__ import annotations

import os
import sys

XGBOOST = "xgboost"
LIGHTGBM = "lightgbm"
XGBOOST_FORMAT = "ubj"  # mlflow.xgboost's default model_format
XGBOOST_DATA = f"model.{XGBOOST_FORMAT}"
LIGHTGBM_BOOSTER_DATA = "model.lgb"
LIGHTGBM_PICKLED_DATA = "model.pkl"
XGBOOST_BOOSTER_CLASS = "xgboost.core.Booster"
LIGHTGBM_BOOSTER_CLASS = "lightgbm.basic.Booster"


def detect_flavor(model) -> str | None:
    """``xgboost``, ``lightgbm`` or None (checked before sklearn: their scikit-learn API
    models are scikit-learn estimators too)."""
    xgboost = sys.modules.get("xgboost")
    if xgboost is not None and isinstance(model, (xgboost.Booster, xgboost.XGBModel)):
        return XGBOOST
    lightgbm = sys.modules.get("lightgbm")
    if lightgbm is not None and isinstance(model, (lightgbm.Booster, lightgbm.LGBMModel)):
        return LIGHTGBM
    return None


def class_name(model) -> str:
    """MLflow's ``_get_fully_qualified_class_name``: what the descriptor's model_class holds."""
    return f"{type(model).__module__}.{type(model).__name__}"


def save(model, directory: str, flavor: str) -> tuple[dict, list[str]]:
    """Write the model file; returns (flavors, requirements) for the descriptor."""
    from .models import _pickler, _pinned

    if flavor == XGBOOST:
        import xgboost

        data = XGBOOST_DATA
        model.save_model(os.path.join(directory, data))
        conf: dict[str, object] = {
            "xgb_version": xgboost.__version__,
            "data": data,
            "model_class": class_name(model),
            "model_format": XGBOOST_FORMAT,
            "code": None,
        }
        requirements = [f"xgboost=={xgboost.__version__}"]  # xgboost-cpu installs as xgboost
        loader = "mlflow.xgboost"
    else:
        import lightgbm

        requirements = [_pinned("lightgbm")]
        if isinstance(model, lightgbm.Booster):
            data = LIGHTGBM_BOOSTER_DATA
            model.save_model(os.path.join(directory, data))
            serialization = "cloudpickle"  # what MLflow records; a Booster is not pickled
        else:
            import pickle

            pickler, serialization = _pickler()
            data = LIGHTGBM_PICKLED_DATA
            with open(os.path.join(directory, data), "wb") as file:
                pickler.dump(model, file, protocol=pickle.DEFAULT_PROTOCOL)
            if serialization == "cloudpickle":
                requirements.append(_pinned("cloudpickle"))
        conf = {
            "lgb_version": lightgbm.__version__,
            "data": data,
            "model_class": class_name(model),
            "code": None,
            "serialization_format": serialization,
            "skops_trusted_types": None,
        }
        loader = "mlflow.lightgbm"
    pyfunc = {"loader_module": loader, "data": data}
    return {flavor: conf, "python_function": pyfunc}, requirements


def load(directory: str, flavors: dict):
    """The XGBoost or LightGBM model of a descriptor's ``flavors`` (one of the two is there)."""
    from ..errors import invalid
    from .models import _flavor_conf, _flavor_file, load_pickled_estimator

    if XGBOOST in flavors:
        import xgboost

        model_class = _flavor_conf(flavors, XGBOOST).get("model_class", XGBOOST_BOOSTER_CLASS)
        cls = _xgboost_class(xgboost, model_class)
        if cls is None:
            raise invalid(
                f"Refusing to load the XGBoost model: its model_class {model_class!r} is "
                "neither xgboost.core.Booster nor a model class of xgboost.sklearn"
            )
        model = cls()
        model.load_model(_flavor_file(directory, flavors, XGBOOST, "data"))
        return model
    conf = _flavor_conf(flavors, LIGHTGBM)
    path = _flavor_file(directory, flavors, LIGHTGBM, "data")
    if conf.get("model_class", LIGHTGBM_BOOSTER_CLASS) == LIGHTGBM_BOOSTER_CLASS:
        import lightgbm

        return lightgbm.Booster(model_file=path)
    return load_pickled_estimator(
        path, conf.get("serialization_format", "cloudpickle"), conf.get("skops_trusted_types")
    )


def _xgboost_class(xgboost, model_class):
    """The class ``model_class`` names (untrusted text), when it is one jt builds: the
    Booster, or a model class of ``xgboost.sklearn``; else None."""
    if model_class == XGBOOST_BOOSTER_CLASS:
        return xgboost.Booster
    if not isinstance(model_class, str):
        return None
    module, _, name = model_class.rpartition(".")
    cls = getattr(xgboost.sklearn, name, None) if module == "xgboost.sklearn" else None
    if isinstance(cls, type) and issubclass(cls, xgboost.XGBModel):
        return cls
    return None
