"""The file names of MLflow's model format that more than one layer reads (stdlib only).

The client writes them (``client/models.py``, ``client/model_signature.py``); the
model-version page's service reads them back (``service/model_details.py``).
"""

from __future__ import annotations

# The model's descriptor (YAML): flavors, signature, saved_input_example_info.
DESCRIPTOR = "MLmodel"
# The input example, and the body of a POST /invocations request made of it.
INPUT_EXAMPLE = "input_example.json"
SERVING_INPUT_EXAMPLE = "serving_input_example.json"
