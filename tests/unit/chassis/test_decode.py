"""The decoder names why a record cannot be read, with one reason code per kind of bad input."""

from __future__ import annotations

import base64
import json

import pytest

from services.chassis.decode import DecodeError, Decoder
from services.messages import RawArticle

DECODER = Decoder(RawArticle, max_payload_bytes=2_000)
GOOD = {"id": "a1", "fetched_at": "2026-11-20T08:00:00Z", "text": "Some article text."}


def _reason(value: bytes) -> str:
    result = DECODER.decode(None, value)
    assert isinstance(result, DecodeError), result
    return result.reason


def test_a_valid_event_decodes_to_the_model() -> None:
    result = DECODER.decode(b"a1", json.dumps(GOOD).encode())
    assert isinstance(result, RawArticle)
    assert result.id == "a1"
    assert result.text == "Some article text."


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"", "empty_payload"),
        (b"x" * 2_001, "payload_too_large"),
        ('{"text": "Caf\u00e9"}'.encode("latin-1"), "not_utf8"),
        (json.dumps({**GOOD, "text": "a\x00b"}).encode(), "nul_bytes"),
        (b'{"id": "a1", "fetched_at": "2026-11-20T08:00:00Z", "text": "a\x00b"}', "nul_bytes"),
        (b'{"id": "a1", "text": "cut off', "invalid_json"),
        (b"[1, 2, 3]", "wrong_shape"),
        (json.dumps({**GOOD, "fetched_at": "yesterday"}).encode(), "wrong_shape"),
        (json.dumps({"id": "a1", "fetched_at": "2026-11-20T08:00:00Z"}).encode(), "missing_body"),
        (json.dumps({**GOOD, "text": "   ", "html": ""}).encode(), "missing_body"),
    ],
)
def test_each_kind_of_bad_input_has_its_own_reason(value: bytes, reason: str) -> None:
    assert _reason(value) == reason


def test_a_shape_error_names_the_field() -> None:
    result = DECODER.decode(None, json.dumps({**GOOD, "fetched_at": 12.5e20}).encode())
    assert isinstance(result, DecodeError)
    assert "fetched_at" in result.detail


def test_a_time_without_a_time_zone_is_refused_naming_the_field() -> None:
    result = DECODER.decode(None, json.dumps({**GOOD, "fetched_at": "2026-11-20T08:00:00"}).encode())
    assert isinstance(result, DecodeError)
    assert result.reason == "wrong_shape"
    assert result.detail.startswith("fetched_at:")


def test_unknown_fields_are_kept_in_metadata_not_rejected() -> None:
    result = DECODER.decode(None, json.dumps({**GOOD, "crawler": "v2", "metadata": {"lang_hint": "en"}}).encode())
    assert isinstance(result, RawArticle)
    assert result.metadata == {"lang_hint": "en", "extra_fields": {"crawler": "v2"}}


def test_a_lone_surrogate_is_replaced_not_fatal() -> None:
    value = b'{"id": "a1", "fetched_at": "2026-11-20T08:00:00Z", "title": "Emoji \\ud83d cut", "text": "ok \\ud83d\\ude00 pair"}'
    result = DECODER.decode(None, value)
    assert isinstance(result, RawArticle)
    assert result.title == "Emoji \ufffd cut"
    assert result.text == "ok \U0001f600 pair"
    assert result.model_dump_json().encode("utf-8")


def test_the_size_limit_counts_a_base64_page_as_sent() -> None:
    """Base64 takes 4 bytes per 3 of the page: the limit is on the record, so a page near 3/4 of it fits and a bigger one does not."""
    envelope = len(json.dumps({**GOOD, "text": None, "html_base64": ""}).encode())
    fits = base64.b64encode(b"x" * ((2_000 - envelope) * 3 // 4)).decode()
    too_big = base64.b64encode(b"x" * ((2_000 - envelope) * 3 // 4 + 3)).decode()
    decoded = DECODER.decode(None, json.dumps({**GOOD, "text": None, "html_base64": fits}).encode())
    assert isinstance(decoded, RawArticle)
    assert decoded.html_base64 == fits
    assert _reason(json.dumps({**GOOD, "text": None, "html_base64": too_big}).encode()) == "payload_too_large"


def test_a_blank_html_base64_is_no_body_and_a_wrong_type_names_the_field() -> None:
    assert _reason(json.dumps({**GOOD, "text": None, "html_base64": " \n"}).encode()) == "missing_body"
    result = DECODER.decode(None, json.dumps({**GOOD, "html_base64": 12, "content_type": ["text/html"]}).encode())
    assert isinstance(result, DecodeError)
    assert result.reason == "wrong_shape"
    assert "html_base64" in result.detail
    assert "content_type" in result.detail
