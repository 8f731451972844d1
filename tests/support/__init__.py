"""Helpers shared by the test layers (importable as ``support.*``: pyproject puts tests/ on
pytest's ``pythonpath``)."""
