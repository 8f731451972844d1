"""Responses as JSON: NaN and infinities leave as MLflow's strings, wherever they are.

``json_text`` dumps the payload as it is and walks it only when a non-finite float makes
the dump fail; both paths must give the same answer as walking first.
"""

from __future__ import annotations

import json
import math

import pytest

from jupyterlab_tracker.server.handlers import json_text


def test_a_finite_payload_is_dumped_as_it_is():
    payload = {"runs": [{"value": 0.5, "tags": [{"key": "k", "value": "NaN"}]}], "n": 3}
    assert json.loads(json_text(payload)) == payload


@pytest.mark.parametrize(
    ("value", "text"), [(math.nan, "NaN"), (math.inf, "Infinity"), (-math.inf, "-Infinity")]
)
def test_non_finite_floats_become_mlflows_strings_at_any_depth(value, text):
    payload = {"metrics": [{"key": "a", "value": 1.0}, {"key": "b", "value": value}], "x": (value,)}
    assert json.loads(json_text(payload)) == {
        "metrics": [{"key": "a", "value": 1.0}, {"key": "b", "value": text}],
        "x": [text],
    }
