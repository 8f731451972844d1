"""The history downsampler keeps exactly what its rule says, for any history.

The rule, checked point by point here: cut the steps into equal ranges; keep each range's
first and last point, its lowest and highest value (NaN counts as neither; in a range of
only NaNs the first stands for both), the first in history order among equal values.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_tracker.store.sqlalchemy_store.downsample import downsample


def _by_the_rule(rows, first_step, last_step, bucket_count):
    span = last_step - first_step + 1
    ranges: dict[int, list[int]] = {}
    for index, row in enumerate(rows):
        ranges.setdefault((row[2] - first_step) * bucket_count // span, []).append(index)
    kept = set()
    for members in ranges.values():
        lowest = min(members, key=lambda i: (rows[i][0] is None, rows[i][0] or 0.0, i))
        highest = min(members, key=lambda i: (rows[i][0] is None, -(rows[i][0] or 0.0), i))
        kept.update((members[0], members[-1], lowest, highest))
    return [rows[i] for i in sorted(kept)]


values = st.one_of(
    st.none(),  # NaN
    st.sampled_from([0.0, -0.0, 1.0, 1.0, float("inf"), float("-inf")]),  # ties, infinities
    st.floats(allow_nan=False, width=32),
)
histories = st.lists(
    st.tuples(values, st.integers(0, 5), st.integers(-50, 400)), min_size=1, max_size=300
)


@settings(max_examples=400, deadline=None)
@given(points=histories, bucket_count=st.integers(1, 60))
def test_downsample_keeps_what_the_rule_says(points, bucket_count):
    rows = sorted(
        ((value, timestamp, step, value is None) for value, timestamp, step in points),
        key=lambda row: (row[2], row[1]),
    )
    first_step, last_step = rows[0][2], rows[-1][2]
    expected = _by_the_rule(rows, first_step, last_step, bucket_count)
    assert downsample(rows, first_step, last_step, bucket_count) == expected
