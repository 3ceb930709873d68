"""Column types that behave the same on the local SQLite mirror and the shared PostgreSQL.

PostgreSQL gets its native types (JSONB, arrays, UUID, TIMESTAMPTZ) as in the seed schema;
SQLite stores JSON text. Python code always sees the same values: dicts and lists, aware UTC
datetimes, ``uuid.UUID``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, Numeric, Text, Uuid
from sqlalchemy.types import TypeDecorator, TypeEngine

from ionflux.core.clock import as_utc


class UTCDateTime(TypeDecorator[datetime]):
    """TIMESTAMPTZ on PostgreSQL; on SQLite a naive UTC value. Always aware UTC in Python."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class JSONDoc(TypeDecorator[Any]):
    """JSONB on PostgreSQL, JSON text on SQLite. Python ``None`` is SQL NULL."""

    impl = JSON(none_as_null=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB  # loaded with that dialect; not for SQLite

            return dialect.type_descriptor(JSONB(none_as_null=True))
        return dialect.type_descriptor(JSON(none_as_null=True))


class TextArray(TypeDecorator[list[str]]):
    """TEXT[] on PostgreSQL, a JSON list on SQLite."""

    impl = JSON(none_as_null=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import ARRAY

            return dialect.type_descriptor(ARRAY(Text()))
        return dialect.type_descriptor(JSON(none_as_null=True))

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> list[str] | None:
        return None if value is None else [str(v) for v in value]


class UUIDArray(TypeDecorator[list[uuid.UUID]]):
    """UUID[] on PostgreSQL, a JSON list of strings on SQLite."""

    impl = JSON(none_as_null=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import ARRAY

            return dialect.type_descriptor(ARRAY(Uuid(as_uuid=True)))
        return dialect.type_descriptor(JSON(none_as_null=True))

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> list[Any] | None:
        if value is None:
            return None
        ids = [v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)) for v in value]
        return ids if dialect.name == "postgresql" else [str(v) for v in ids]

    def process_result_value(self, value: list[Any] | None, dialect: Dialect) -> list[uuid.UUID] | None:
        if value is None:
            return None
        return [v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)) for v in value]


class DecimalText(TypeDecorator[Decimal]):
    """Exact money amounts: NUMERIC on PostgreSQL, canonical decimal text on SQLite (never a float)."""

    impl = Text()
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(20, 6))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Decimal | str | int | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        if not amount.is_finite():
            raise ValueError(f"{value!r} is not a finite amount")
        return amount if dialect.name == "postgresql" else format(amount, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))
