"""The tracking store on SQLAlchemy (being split by concern)."""

from .runs import *  # noqa: F403
from .runs import (  # noqa: F401
    _downsample,
    decode_page_token,
    encode_page_token,
    experiment_db_id,
    generate_run_name,
    integer_value,
    logged_model_not_found,
)
