"""Page tokens: the opaque ``next_page_token`` of every store's searches.

A token is ``{"offset": n}`` in URL-safe base64; every query fetches one row more than
the page (``limit + 1``) to tell whether another page exists.
"""

from __future__ import annotations

import base64
import binascii
import json

from ..domain.limits import INT64_MAX
from ..errors import invalid, preview

# encode_page_token's longest token (a 19-digit offset) is 44 characters.
MAX_PAGE_TOKEN_LENGTH = 100


def encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_page_token(token: str | None) -> int:
    """The offset inside an opaque page token; INVALID_PARAMETER_VALUE if it is not ours
    (in MLflow's words: "Invalid page token, could not base64-decode" and the like).

    Ours are short (``{"offset": n}``, n a 64-bit int, in base64): anything longer is
    refused before it is decoded, so a forged token cannot be deeply nested JSON."""
    if not token:
        return 0
    if not isinstance(token, str) or len(token) > MAX_PAGE_TOKEN_LENGTH:
        raise invalid(f"Invalid page token, it is not one this server gave: {preview(token)}")
    try:
        decoded = base64.urlsafe_b64decode(token.encode())
    except (binascii.Error, ValueError):
        raise invalid("Invalid page token, could not base64-decode") from None
    try:
        offset = json.loads(decoded)["offset"]
    except (ValueError, TypeError, KeyError, UnicodeError):
        raise invalid(f"Invalid page token, decoded value={preview(decoded)}") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= INT64_MAX:
        raise invalid(f"Invalid page token, decoded value={preview(decoded)}")
    return offset


def next_page_token(offset: int, limit: int, fetched: int) -> str | None:
    """The token of the page after ``limit`` items from ``offset``, if the query (which
    fetched ``limit + 1`` rows) found more."""
    return encode_page_token(offset + limit) if fetched > limit else None
