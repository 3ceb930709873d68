"""Editor completion for agent configurations: keys and accepted values, from the agent's definition.

Works on YAML being typed (often broken), so the context comes from indentation, not a parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ionflux.agents.config import TOP_KEYS, TRIGGER_CONFIG_KEYS

_KEY = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w-]*)\s*:(.*)$")


@dataclass(frozen=True)
class Suggestion:
    """A completion: the text to insert in place of the word being typed, and a hint."""

    text: str
    hint: str


def _parents(lines: list[str], line_no: int, indent: int) -> list[str]:
    """The keys enclosing ``line_no`` (outermost first), found by smaller indentation above it."""
    parents: list[str] = []
    current = indent
    for i in range(line_no - 1, -1, -1):
        m = _KEY.match(lines[i])
        if not m or not lines[i].strip():
            continue
        ind = len(m.group(1)) + (len(m.group(2)) if m.group(2) else 0)
        if ind < current:
            parents.insert(0, m.group(3))
            current = ind
            if ind == 0:
                break
    return parents


def suggest(text: str, line_no: int, column: int, definition: dict[str, Any]) -> tuple[int, list[Suggestion]]:
    """What may be typed at (``line_no``, ``column``), 0-based, and where the word being replaced starts.

    Returns:
        (start column of the word, suggestions); no suggestions when nothing fits.
    """
    lines = text.split("\n")
    if line_no >= len(lines):
        return column, []
    line = lines[line_no][:column]
    word_start = len(line) - len(re.search(r"[\w.-]*$", line).group(0))  # type: ignore[union-attr]
    typed = line[word_start:]
    stripped = line.lstrip()
    indent = len(line) - len(stripped)
    in_list = stripped.startswith("- ")
    if in_list:
        indent += 2
        stripped = stripped[2:]
    inputs = {s["key_name"]: s for s in definition.get("inputs_schema_json_array") or []}
    triggers = {t["trigger_key"]: t for t in definition.get("triggers_config_json_array") or []}
    parents = _parents(lines, line_no, indent if stripped else indent + 1)
    if ":" in stripped:  # a value
        key = stripped.split(":", 1)[0].strip()
        values: list[Suggestion] = []
        if parents[:1] == ["inputs"] and key in inputs:
            spec = inputs[key]
            if spec.get("accepted_values_list"):
                values = [Suggestion(str(v), "accepted value") for v in spec["accepted_values_list"]]
            elif spec.get("data_type") == "boolean":
                values = [Suggestion("true", "boolean"), Suggestion("false", "boolean")]
        elif key == "trigger_definition_key":
            values = [Suggestion(k, f"{t.get('type')} trigger") for k, t in triggers.items()]
        elif key == "enabled":
            values = [Suggestion("true", "boolean"), Suggestion("false", "boolean")]
        return word_start, [v for v in values if v.text.startswith(typed)]
    if not parents:
        keys = [Suggestion(f"{k}: " if k != "inputs" and k != "triggers" else f"{k}:", "configuration key")
                for k in TOP_KEYS]
    elif parents[0] == "inputs":
        keys = [Suggestion(f"{k}: ", f"{s.get('data_type', 'string')}{' (required)' if s.get('is_required') else ''}"
                           f" — {s.get('description_text', '')}".rstrip(" —")) for k, s in inputs.items()]
    elif parents[0] == "triggers":
        keys = [Suggestion("trigger_definition_key: ", "which trigger of the definition"),
                Suggestion("enabled: ", "true or false"),
                *[Suggestion(f"{k}: ", "trigger setting") for k in TRIGGER_CONFIG_KEYS]]
    else:
        keys = []
    return word_start, [k for k in keys if k.text.startswith(typed)]


def suggest_fields(text: str, line_no: int, column: int, fields: tuple[str, ...], *,
                   values: dict[str, Any] | None = None, nested: tuple[str, ...] = (),
                   nested_in: str | None = None) -> tuple[int, list[Suggestion]]:
    """Completion for a record's YAML form (playbook, brand, prompt...).

    Field names at the start of a line; ``nested`` keys on an indented line or list item (only
    under the field ``nested_in`` when given: elsewhere an indented line is free text); the
    accepted ``values`` of a key after ``key:``.

    Returns:
        Where the word being replaced starts, and the suggestions.
    """
    lines = text.split("\n")
    line = lines[line_no][:column] if line_no < len(lines) else ""
    stripped = line.lstrip(" -")
    if line != stripped and nested_in is not None:
        section = next((row.split(":", 1)[0] for row in reversed(lines[:line_no])
                        if row and not row[0].isspace() and row[0] not in "-#"), "")
        if section != nested_in:
            return column, []  # e.g. a prompt's text: prose, no popup to take the Enter key
    if ":" in stripped:
        key, _, typed = stripped.partition(":")
        word = typed.strip()
        accepted = (values or {}).get(key.strip(), ())
        return column - len(word), [Suggestion(str(v), key.strip()) for v in accepted if str(v).startswith(word)]
    keys = fields if line == stripped else nested
    return column - len(stripped), [Suggestion(f"{k}: ", "field") for k in keys if k.startswith(stripped)]
