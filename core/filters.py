"""Event filters: the seed's ``filter_conditions_json`` / ``event_filter_json`` mini-language.

A filter is a mapping of conditions, all of which must hold. A key names a payload field (dot
path into nested objects) with an optional operator suffix::

    {"cart_value_gt": 100, "currency": "USD", "tags_contains": "vip", "country_in": ["US", "CA"]}

Operators: ``_gt``, ``_gte``, ``_lt``, ``_lte``, ``_eq`` (the default), ``_ne``, ``_contains``, ``_in``.
A missing field never matches (except for ``_ne``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ionflux.core.errors import ValidationError

OPERATORS = ("gte", "lte", "gt", "lt", "eq", "ne", "contains", "in")
_MISSING = object()


def split_condition(key: str) -> tuple[str, str]:
    """``"cart_value_gt"`` → (``"cart_value"``, ``"gt"``); no suffix means ``eq``."""
    for op in OPERATORS:
        if key.endswith("_" + op) and len(key) > len(op) + 1:
            return key[: -len(op) - 1], op
    return key, "eq"


def field_value(payload: Any, path: str) -> Any:
    """The value at a dot path (``order.total_price``), or a marker when absent."""
    current = payload
    for part in path.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return _MISSING
    return current


def compare(op: str, actual: Any, expected: Any) -> bool:
    """Whether ``actual <op> expected`` holds; numbers given as text compare as numbers."""
    if actual is _MISSING:
        return op == "ne"
    if op in ("gt", "gte", "lt", "lte"):
        try:
            a, b = float(actual), float(expected)
        except (TypeError, ValueError):
            return False
        return {"gt": a > b, "gte": a >= b, "lt": a < b, "lte": a <= b}[op]
    if op == "eq":
        return actual == expected or (_num(actual) is not None and _num(actual) == _num(expected))
    if op == "ne":
        return not compare("eq", actual, expected)
    if op == "contains":
        if isinstance(actual, str):
            return str(expected).lower() in actual.lower()
        return isinstance(actual, list | tuple) and expected in actual
    if op == "in":
        return isinstance(expected, list | tuple) and actual in expected
    raise ValidationError(f"unknown operator {op!r}", where="filter")


def matches(conditions: Mapping[str, Any] | None, payload: Any) -> bool:
    """Whether ``payload`` satisfies every condition (an empty filter matches everything)."""
    for key, expected in (conditions or {}).items():
        path, op = split_condition(key)
        if not compare(op, field_value(payload, path), expected):
            return False
    return True


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
