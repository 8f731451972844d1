"""``log_table``'s frame: what it accepts, and the image columns it refuses (pandas would
write an image's attributes, not the image)."""

from __future__ import annotations

import warnings

import pytest
from PIL import Image

from jupyterlab_tracker.client.artifact_files import table_frame
from jupyterlab_tracker.errors import TrackerError


def test_a_column_of_images_is_refused_naming_the_column():
    images = [Image.new("RGB", (2, 2)), Image.new("RGB", (2, 2))]
    with pytest.raises(TrackerError) as error:
        table_frame({"label": ["cat", "dog"], "picture": images})
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "'picture' holds images" in error.value.message


def test_text_number_and_mixed_object_columns_pass_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas 3 warns about select_dtypes("object")
        frame = table_frame({"label": ["cat", "dog"], "n": [1, 2], "any": [None, {"k": 1}]})
    assert list(frame.columns) == ["label", "n", "any"]
    assert table_frame({"a": 1, "b": "x"}).to_dict("records") == [{"a": 1, "b": "x"}]
