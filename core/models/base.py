"""Declarative base, shared columns and enum validation for every IONFLUX table."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import Enum as SAEnum
from sqlalchemy import MetaData, Uuid, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ionflux.core.clock import new_id, utcnow
from ionflux.core.errors import ValidationError
from ionflux.core.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of all mapped classes.

    ``__event_prefix__`` names the entity in outbox event types
    (``ionflux.canvas.block`` → ``ionflux.canvas.block.updated``); a class without one is
    local-only and never reaches the outbox.
    """

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {uuid.UUID: Uuid(as_uuid=True), datetime: UTCDateTime()}
    __event_prefix__: ClassVar[str | None] = None


def id_column() -> Mapped[uuid.UUID]:
    """A client-generated, time-ordered UUID primary key."""
    return mapped_column(primary_key=True, default=new_id)


def created_column() -> Mapped[datetime]:
    return mapped_column(nullable=False, default=utcnow)


def updated_column() -> Mapped[datetime]:
    return mapped_column(nullable=False, default=utcnow, onupdate=utcnow)


def enum_type(enum_cls: type[StrEnum]) -> SAEnum:
    """A TEXT column holding ``enum_cls`` values, with a CHECK constraint on both databases."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
        length=max(len(m.value) for m in enum_cls),
        name=enum_cls.__name__.lower(),
    )


def _coerce_enum(enum_cls: type[StrEnum], where: str) -> Any:
    def coerce(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
        if value is None or isinstance(value, enum_cls):
            return value
        try:
            return enum_cls(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum_cls)
            raise ValidationError(f"{value!r} is not one of: {allowed}", where=where) from None

    return coerce


@event.listens_for(Base, "mapper_configured", propagate=True)
def _validate_enums(mapper: Any, cls: type) -> None:
    """Turn a plain string into its enum member on assignment, or refuse it clearly."""
    for attr in mapper.column_attrs:
        col_type = attr.columns[0].type
        if isinstance(col_type, SAEnum) and col_type.enum_class is not None:
            where = f"{mapper.local_table.name}.{attr.key}"
            event.listen(getattr(cls, attr.key), "set", _coerce_enum(col_type.enum_class, where), retval=True)
