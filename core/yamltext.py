"""Safe YAML for user-edited text (agent configurations, playbooks): bounded, located errors.

Only ``yaml.SafeLoader`` is used. Documents are refused before construction when they are too
large, nest too deeply or use too many aliases (the "billion laughs" family), so a hostile file
costs milliseconds, not memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from ionflux.core.errors import IonfluxError, ValidationError

MAX_YAML_BYTES = 256 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 64
MAX_NODES = 50_000


def load_yaml(text: str, source: str = "<yaml>") -> Any:
    """Parse one YAML document safely.

    Raises:
        ValidationError: with ``where`` = ``source:line:column`` of the problem.

    """
    if len(text.encode("utf-8", "replace")) > MAX_YAML_BYTES:
        raise ValidationError(f"is larger than {MAX_YAML_BYTES // 1024} KiB", where=source)
    aliases = nodes = depth = 0
    try:
        for ev in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(ev, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise ValidationError(f"uses more than {MAX_ALIASES} aliases (*refs)", where=_at(source, ev))
            elif isinstance(ev, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ValidationError(f"nests deeper than {MAX_DEPTH} levels", where=_at(source, ev))
            elif isinstance(ev, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(ev, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise ValidationError(f"has more than {MAX_NODES} values", where=_at(source, ev))
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is not None and _expanded_size(root, {}) > MAX_NODES:
            raise ValidationError(f"expands to more than {MAX_NODES} values through aliases", where=source)
        if root is not None:
            _refuse_repeated_keys(root, source, set())
        return yaml.SafeLoader("").construct_document(root) if root is not None else None  # no third parse
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = exc.problem or exc.context or "invalid YAML"
        raise ValidationError(problem, where=where) from None
    except yaml.YAMLError as exc:
        raise ValidationError(f"invalid YAML: {exc}", where=source) from None


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many values the document holds once aliases are expanded (computed without expanding)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a node seen again while still being measured (a cycle) counts once
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(v, memo) for v in node.value)
    else:
        size = 1
    memo[key] = size
    return size


def _refuse_repeated_keys(node: yaml.Node, source: str, seen: set[int]) -> None:
    """A key written twice in one mapping: YAML keeps the last silently, which hides a typo's victim."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                if key_node.value in first:
                    mark, key = key_node.start_mark, key_node.value
                    raise ValidationError(f"repeats the key {key!r} (first on line {first[key]}); keep one",
                                          where=f"{source}:{mark.line + 1}:{mark.column + 1}")
                first[key_node.value] = key_node.start_mark.line + 1
            _refuse_repeated_keys(value_node, source, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_repeated_keys(item, source, seen)


def _at(source: str, ev: yaml.Event) -> str:
    mark = ev.start_mark
    return f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source


def locate(positions: dict[tuple[str, ...], tuple[int, int]], path: tuple[str, ...]) -> tuple[int, int]:
    """(line, column) of ``path`` in :func:`key_positions`' map, else of its nearest parent; (0, 0) if none."""
    while path:
        if path in positions:
            return positions[path]
        path = path[:-1]
    return 0, 0


def load_form(text: str, source: str, fields: tuple[str, ...], what: str) -> Mapping[str, Any]:
    """A record's YAML form (a playbook, a brand, a prompt): a mapping of ``fields`` and nothing else.

    Args:
        what: The record, for the message ("a playbook").
    """
    doc = load_yaml(text, source)
    if not isinstance(doc, Mapping):
        raise ValidationError(f"{what} must be a mapping of {', '.join(fields[:3])}...", where=f"{source}:1:1")
    unknown = sorted(set(map(str, doc)) - set(fields))
    if unknown:
        raise relocated(ValidationError(f"unknown field (expected one of {', '.join(fields)})", where=unknown[0]),
                        text, source)
    return doc


def relocated(exc: IonfluxError, text: str, source: str, prefix: str = "") -> IonfluxError:
    """``exc`` pointed at its field's ``source:line:column`` in ``text``.

    Its ``where`` is a field path such as ``steps_json_array[1].step_id``; that path (without
    ``prefix``) then leads the message.
    """
    field = (exc.where or "").removeprefix(prefix)
    path = tuple(p for p in field.replace("[", ".").replace("]", "").split(".") if p)
    line, column = locate(key_positions(text), path)
    return type(exc)(f"{field}: {exc.message}" if field else exc.message, where=f"{source}:{line or 1}:{column or 1}")


def key_positions(text: str) -> dict[tuple[str, ...], tuple[int, int]]:
    """(line, column), 1-based, of every mapping key path in ``text``, for located errors.

    ``{("inputs", "threshold"): (3, 3)}``; sequence items appear as their index (as text).
    Returns what it can for broken YAML.
    """
    out: dict[tuple[str, ...], tuple[int, int]] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out

    def walk(node: yaml.Node, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = str(key_node.value)
                out[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                out[(*path, str(i))] = (item.start_mark.line + 1, item.start_mark.column + 1)
                walk(item, (*path, str(i)))

    if root is not None:
        walk(root, ())
    return out
