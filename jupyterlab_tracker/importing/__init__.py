"""Importing existing MLflow stores (``jupyter tracker import-mlflow``)."""
