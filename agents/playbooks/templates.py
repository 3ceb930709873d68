"""``{{path.to.value}}`` placeholders filled from a playbook run's context (trigger event, step outputs)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ionflux.core.filters import field_value

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")
_MISSING = field_value({}, "x")


def render(template: Any, context: Mapping[str, Any]) -> Any:
    """Fill placeholders in a string (missing values become empty), or map over lists and dicts.

    A string that is exactly one placeholder keeps the value's type (a number stays a number), so
    an input mapping can pass structured data to an agent.
    """
    if isinstance(template, str):
        whole = _PLACEHOLDER.fullmatch(template.strip())
        if whole:
            value = field_value(context, whole.group(1))
            return None if value is _MISSING else value
        return _PLACEHOLDER.sub(lambda m: _text(field_value(context, m.group(1))), template)
    if isinstance(template, Mapping):
        return {k: render(v, context) for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, context) for v in template]
    return template


def _text(value: Any) -> str:
    if value is _MISSING or value is None:
        return ""
    return str(value)
