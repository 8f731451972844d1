"""JSON request bodies, read within limits so that no body can stall the event loop.

Tornado hands a body over in pieces as it arrives (the handlers stream their bodies, see
``TrackerHandler``). ``BodyReader`` keeps the pieces up to a size limit and drops the rest,
and counts as it goes the bytes that open or separate JSON values (``{``, ``[`` and ``,``):
one plus that count bounds the number of values in the document, from above (those bytes
inside strings count too). Parsing then takes one of two paths:

- the usual body, whose bound is at most ``MAX_JSON_VALUES``: ``json.loads``, in C. C holds
  the GIL for the whole call, on any thread, so the bound is what keeps the call short
  (a few milliseconds for 100,000 values);
- a body that may hold more (an attack, or strings full of commas): the pure-Python
  scanner, which lets other threads and the event loop run between values, counting each
  value as it reads it and stopping at the limit, before the rest is built.

Either way the text must be UTF-8 without lone UTF-16 surrogates (``"\\ud800"`` is valid
JSON but no database can store it), and nesting is bounded by the recursion limit.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from typing import Any

from ..errors import BAD_REQUEST, TrackerError

# Far above the largest valid request (a full log_batch is a few MB at most), far below
# what would strain the server. Configurable: ``Tracker.max_body_size``.
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
# Values (objects, arrays, strings, numbers...) in one body. The largest valid request is
# a heartbeat of 50,000 run ids; a full log_batch holds about 6,000.
MAX_JSON_VALUES = 100_000
# bytes.translate deletes every other byte in one pass (three bytes.count take 3x longer).
_NOT_STRUCTURAL = bytes(b for b in range(256) if b not in b"{[,")


def bad_request(message: str) -> TrackerError:
    return TrackerError(message, BAD_REQUEST)


class BodyReader:
    """One request body, kept up to ``limit`` bytes (0: keep nothing).

    A body whose Content-Length (``declared``) is over the limit is not kept at all."""

    def __init__(self, limit: int, declared: int | None = None):
        self.limit = limit
        self.size = 0
        self.value_bound = 1
        self._data = bytearray()
        self._dropping = declared is not None and declared > limit

    def feed(self, piece: bytes) -> None:
        self.size += len(piece)
        if self._dropping or self.size > self.limit:
            self._dropping = True
            self._data = bytearray()  # drained from here on: the answer is a refusal
            return
        self._data += piece
        self.value_bound += len(piece.translate(None, _NOT_STRUCTURAL))

    @property
    def too_large(self) -> bool:
        return self._dropping or self.size > self.limit

    @property
    def parses_in_c(self) -> bool:
        """Whether ``json.loads`` may parse this body (see the module docstring)."""
        return self.value_bound <= MAX_JSON_VALUES

    def text(self) -> str:
        """The body as text; the bytes are let go, so only one copy stays in memory."""
        if self.too_large:
            raise bad_request(
                f"Request body is {self.size:,} bytes or more; JSON bodies are limited to "
                f"{self.limit:,} bytes (split large batches)"
            )
        data, self._data = self._data, bytearray()
        try:
            return data.decode("utf-8")  # strict: refuses surrogates in UTF-8 form, UTF-16
        except UnicodeDecodeError as error:
            raise bad_request(
                f"Request body is not UTF-8 text ({error.reason} at byte {error.start})"
            ) from None


def parse_json(text: str, in_c: bool = True) -> Any:
    """The JSON document in ``text``; BAD_REQUEST, saying what is wrong, if it is not one."""
    try:
        document = json.loads(text) if in_c else _CountingDecoder(MAX_JSON_VALUES).decode(text)
        lone_surrogate = _may_hold_surrogates(text) and _has_lone_surrogate(document)
    except _TooManyValues:
        raise bad_request(
            f"Request body holds more than {MAX_JSON_VALUES:,} JSON values; split the request"
        ) from None
    except RecursionError:
        raise bad_request("Request body is nested too deeply to be a request") from None
    except json.JSONDecodeError as error:
        raise bad_request(f"Request body is not valid JSON: {error}") from None
    except ValueError:  # int() refuses numbers of more than 4300 digits
        raise bad_request("Request body holds a number of more than 4300 digits") from None
    if lone_surrogate:
        raise bad_request(
            "Request body holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its "
            "pair): strings must be valid Unicode"
        )
    return document


def _may_hold_surrogates(text: str) -> bool:
    """Whether ``text`` has a \\uD800-\\uDFFF escape, the only way JSON text decoded from
    strict UTF-8 can hold a surrogate. Most bodies have no backslash at all: looking for
    one is a memchr, 150 times faster than looking for the escapes."""
    return "\\" in text and ("\\ud" in text or "\\uD" in text)


def _has_lone_surrogate(document: Any) -> bool:
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _TooManyValues(Exception):
    pass


class _CountingDecoder(json.JSONDecoder):
    """``json``'s pure-Python scanner, counting every value before it reads it."""

    def __init__(self, max_values: int):
        super().__init__()
        self.remaining = max_values
        self.parse_object = self._object
        self.parse_array = self._array
        # json's pure-Python scanner and parsers are not in typeshed's stubs (undocumented).
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]

    def _counted(self, scan_once):
        def scan(text: str, index: int):
            self.remaining -= 1
            if self.remaining < 0:
                raise _TooManyValues
            return scan_once(text, index)

        return scan

    def _object(self, text_and_end, strict, scan_once, *hooks):
        return json.decoder.JSONObject(  # type: ignore[attr-defined]  # (see __init__)
            text_and_end, strict, self._counted(scan_once), *hooks
        )

    def _array(self, text_and_end, scan_once):
        return json.decoder.JSONArray(  # type: ignore[attr-defined]  # (see __init__)
            text_and_end, self._counted(scan_once)
        )
