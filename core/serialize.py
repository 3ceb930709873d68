"""Rows to JSON and back, exactly: the one codec for outbox payloads, exports and sync apply."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from sqlalchemy import Enum as SAEnum
from sqlalchemy import Uuid, inspect
from sqlalchemy.orm import DeclarativeBase

from ionflux.core.errors import ValidationError
from ionflux.core.types import DecimalText, UTCDateTime, UUIDArray


def json_value(value: Any) -> Any:
    """A column value as plain JSON (UUIDs and datetimes as strings, enums by value)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return [json_value(v) for v in value]
    return value


def row_to_json(obj: DeclarativeBase, keys: Iterable[str] | None = None) -> dict[str, Any]:
    """The mapped columns of ``obj`` (all, or just ``keys``) as a JSON object."""
    mapper = inspect(type(obj))
    names = list(keys) if keys is not None else [a.key for a in mapper.column_attrs]
    return {k: json_value(getattr(obj, k)) for k in names}


def row_from_json(model: type[DeclarativeBase], data: Mapping[str, Any], *, where: str) -> dict[str, Any]:
    """Decode a JSON object into column values for ``model``; unknown fields are errors."""
    mapper = inspect(model)
    columns = {a.key: a.columns[0] for a in mapper.column_attrs}
    out: dict[str, Any] = {}
    for key, raw in data.items():
        col = columns.get(key)
        if col is None:
            raise ValidationError(f"unknown field {key!r} for {mapper.local_table.name}", where=where)
        out[key] = _decode(col.type, raw, f"{where}.{key}")
    return out


def _decode(col_type: Any, raw: Any, where: str) -> Any:
    if raw is None:
        return None
    try:
        if isinstance(col_type, Uuid):
            return uuid.UUID(str(raw))
        if isinstance(col_type, UTCDateTime):
            return datetime.fromisoformat(str(raw))
        if isinstance(col_type, UUIDArray):
            return [uuid.UUID(str(v)) for v in raw]
        if isinstance(col_type, SAEnum) and col_type.enum_class is not None:
            return col_type.enum_class(raw)
        if isinstance(col_type, DecimalText):
            return Decimal(str(raw))
    except (ValueError, TypeError, InvalidOperation) as exc:
        raise ValidationError(f"bad value {raw!r}: {exc}", where=where) from None
    return raw
