"""Small, reusable field checks that raise ValidationError naming the field."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlparse

from ionflux.core.errors import ValidationError

E = TypeVar("E", bound=StrEnum)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def text(value: Any, field: str, *, max_len: int = 500, required: bool = True) -> str | None:
    """A trimmed, non-empty (when required) string of bounded length."""
    if value is None:
        if required:
            raise ValidationError("is required", where=field)
        return None
    if not isinstance(value, str):
        raise ValidationError(f"must be text, not {type(value).__name__}", where=field)
    value = value.strip()
    if required and not value:
        raise ValidationError("must not be empty", where=field)
    if len(value) > max_len:
        raise ValidationError(f"is {len(value)} characters long; at most {max_len} are allowed", where=field)
    return value


def name(value: Any, field: str = "name") -> str:
    """A display name: one line, 1–200 characters."""
    result = text(value, field, max_len=200)
    assert result is not None
    if "\n" in result or "\r" in result:
        raise ValidationError("must be a single line", where=field)
    return result


def email(value: Any, field: str = "email") -> str:
    result = text(value, field, max_len=320)
    assert result is not None
    if not _EMAIL.match(result):
        raise ValidationError(f"{result!r} is not an email address", where=field)
    return result.lower()


def url(value: Any, field: str, *, required: bool = True, schemes: tuple[str, ...] = ("http", "https")) -> str | None:
    result = text(value, field, max_len=2048, required=required)
    if result is None:
        return None
    parsed = urlparse(result)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.scheme == "file"):
        raise ValidationError(f"{result!r} is not a valid {'/'.join(schemes)} URL", where=field)
    return result


def hex_color(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _HEX_COLOR.match(value):
        raise ValidationError(f"{value!r} is not a hex colour like #1a2b3c", where=field)
    return value


def enum_value(enum_cls: type[E], value: Any, field: str) -> E:
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise ValidationError(f"{value!r} is not one of: {allowed}", where=field) from None


def integer(value: Any, field: str, *, lo: int | None = None, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"must be a whole number, not {value!r}", where=field)
    if lo is not None and value < lo:
        raise ValidationError(f"must be at least {lo}, not {value}", where=field)
    if hi is not None and value > hi:
        raise ValidationError(f"must be at most {hi}, not {value}", where=field)
    return value


def json_object(value: Any, field: str, *, max_bytes: int | None = None) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"must be a JSON object, not {type(value).__name__}", where=field)
    size_check(value, field, max_bytes)
    return dict(value)


def size_check(value: Any, field: str, max_bytes: int | None) -> None:
    """Refuse values that do not serialise to JSON, or that exceed ``max_bytes`` when serialised."""
    try:
        encoded = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"is not valid JSON: {exc}", where=field) from None
    if max_bytes is not None and len(encoded.encode()) > max_bytes:
        raise ValidationError(
            f"is {len(encoded.encode()):,} bytes; at most {max_bytes:,} are allowed", where=field
        )


def str_list(value: Any, field: str, *, max_items: int = 200) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError("must be a list of text values", where=field)
    if len(value) > max_items:
        raise ValidationError(f"has {len(value)} items; at most {max_items} are allowed", where=field)
    return [v.strip() for v in value if v.strip()]


def uuid_value(value: Any, field: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError(f"{value!r} is not a valid id", where=field) from None
