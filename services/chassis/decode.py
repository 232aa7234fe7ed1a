"""Bytes to a typed record, or a reason code saying why not."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core.core_schema import ErrorType

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class DecodeError:
    """Why a record could not be read; `reason` is the dead-letter reason code."""

    reason: str
    detail: str
    # The record's id when it could be read (valid JSON with an "id" string), so its dead letter can name it.
    record_id: str | None = None


@dataclass(frozen=True)
class Decoder(Generic[ModelT]):
    """Checks, in order: key, size, UTF-8, NUL bytes, JSON, shape. The first failure names the reason."""

    model: type[ModelT]
    max_payload_bytes: int
    require_key: bool = False

    def decode(self, key: bytes | None, value: bytes) -> ModelT | DecodeError:  # noqa: PLR0911 - one return per check reads best
        if self.require_key and not key:
            return DecodeError("missing_key", "the record has a null or empty key; records are keyed by article id")
        if not value:
            return DecodeError("empty_payload", "the record has no value")
        if len(value) > self.max_payload_bytes:
            return DecodeError("payload_too_large", f"{len(value)} bytes is over the limit of {self.max_payload_bytes}")
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError as error:
            return DecodeError("not_utf8", f"value is not UTF-8: {error}")
        # Raw NULs and JSON-escaped ones alike: no article body legitimately holds one, and downstream stores choke on them.
        nul_at = next((at for at in (text.find("\x00"), text.find("\\u0000")) if at >= 0), None)
        if nul_at is not None:
            return DecodeError("nul_bytes", f"value holds a NUL character at index {nul_at}")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            return DecodeError("invalid_json", f"value is not JSON: {error}")
        if not isinstance(data, dict):
            return DecodeError("wrong_shape", f"value is a JSON {type(data).__name__}, not an object")
        if _SURROGATE_ESCAPE.search(text):
            data = _without_lone_surrogates(data)
        try:
            return self.model.model_validate(data)
        except ValidationError as error:
            found = _validation_error(error)
            record_id = data.get("id")
            return DecodeError(found.reason, found.detail, record_id if isinstance(record_id, str) and record_id else None)


# JSON may escape half of a surrogate pair on its own ("\ud83d"); such a string cannot be encoded again.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(value: Any) -> Any:
    """Replace unpaired surrogates with U+FFFD: one broken character should not cost the article."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_without_lone_surrogates(key): _without_lone_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    return value


# pydantic's own error types; any other type was raised by the model itself (PydanticCustomError) and names its reason.
_PYDANTIC_ERROR_TYPES = frozenset(get_args(ErrorType))


def _validation_error(error: ValidationError) -> DecodeError:
    problems = error.errors(include_url=False)
    for problem in problems:
        if problem["type"] not in _PYDANTIC_ERROR_TYPES:
            return DecodeError(problem["type"], problem["msg"])
    fields = "; ".join(f"{'.'.join(str(part) for part in p['loc']) or '<root>'}: {p['msg']}" for p in problems)
    return DecodeError("wrong_shape", fields)
