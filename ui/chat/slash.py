"""Slash commands typed in the composer: parsed from the registry's signatures, completed as you type.

``/page Launch week`` → ``page.create(title="Launch week")``; ``/run "Sales Sentinel" topic=x`` →
``agents.run(config="Sales Sentinel", input=["topic=x"])``. The last positional parameter takes
the rest of the line, so ``/ask what's new?`` needs no quotes, and words after ``key=value`` continue
the value (``brief=flash sale``); ``--flag value`` sets an option.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from ionflux.core.commands import Command, CommandRegistry
from ionflux.core.errors import ValidationError


@dataclass(frozen=True)
class Completion:
    """One suggestion: the text to insert (replacing from ``start``), a label and a hint."""

    insert: str
    label: str
    hint: str
    start: int


def slash_commands(registry: CommandRegistry) -> list[Command]:
    return sorted((c for c in registry if c.slash), key=lambda c: c.slash or "")


def parse(text: str, registry: CommandRegistry) -> tuple[Command, dict[str, Any]]:
    """The command a composer line names and its raw arguments.

    Raises:
        ValidationError: not a known slash command, or arguments that do not fit.
    """
    head, _, rest = text.strip().partition(" ")
    cmd = registry.by_slash(head)
    if cmd is None:
        known = ", ".join(c.slash or "" for c in slash_commands(registry))
        raise ValidationError(f"unknown command {head} (try {known})", where="composer")
    return cmd, parse_args(cmd, rest)


def parse_args(cmd: Command, rest: str) -> dict[str, Any]:
    """Raw arguments of ``cmd`` from the text after its name (see the module docstring)."""
    positional = [p for p in cmd.params if p.positional]
    repeated = next((p for p in cmd.params if p.repeated), None)
    rest = rest.strip()
    if len(positional) == 1 and repeated is None and not rest.startswith("--"):
        return {positional[0].name: rest} if rest else {}
    try:
        tokens = shlex.split(rest)
    except ValueError:
        tokens = rest.split()
    raw: dict[str, Any] = {}
    loose: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.startswith("--") and (param := cmd.param(tok[2:].replace("-", "_"))) is not None:
            if param.type is bool:
                raw[param.name] = True
            elif i + 1 < len(tokens):
                i += 1
                if param.repeated:
                    raw.setdefault(param.name, []).append(tokens[i])
                else:
                    raw[param.name] = tokens[i]
        elif repeated is not None and "=" in tok and loose:
            raw.setdefault(repeated.name, []).append(tok)
        elif repeated is not None and raw.get(repeated.name):  # "brief=flash sale": words continue the value
            raw[repeated.name][-1] += " " + tok
        else:
            loose.append(tok)
        i += 1
    for n, param in enumerate(positional):
        if n < len(loose):
            raw[param.name] = " ".join(loose[n:]) if n == len(positional) - 1 else loose[n]
    return raw


def quote(name: str) -> str:
    return f'"{name}"' if any(ch.isspace() for ch in name) or '"' in name else name


def complete(text: str, cursor: int, registry: CommandRegistry, agents: list[str],
             inputs_of: Any = None) -> list[Completion]:
    """Suggestions for the composer text up to ``cursor``.

    Args:
        text: The composer's text.
        cursor: The cursor position.
        registry: Where slash commands come from.
        agents: Agent configuration names (for ``/run``, ``/schedule`` and ``@``).
        inputs_of: ``inputs_of(config_name) -> [(key, accepted_values)]`` for ``/run`` arguments.
    """
    before = text[:cursor]
    at = before.rfind("@")
    if at >= 0 and (at == 0 or before[at - 1].isspace()) and '"' not in before[at:]:
        typed = before[at + 1:].lower()
        return [Completion(f"@{quote(a)} ", f"@{a}", "run this agent with your message", at)
                for a in agents if typed in a.lower()][:12]
    if not before.startswith("/"):
        return []
    if " " not in before:
        return [Completion(f"{c.slash} ", c.slash or "", c.help, 0) for c in slash_commands(registry)
                if (c.slash or "").startswith(before)]
    head, _, rest = before.partition(" ")
    if head not in ("/run", "/schedule"):
        return []
    try:
        tokens = shlex.split(rest)
        open_quote = False
    except ValueError:
        tokens, open_quote = rest.split(), True
    ends_with_space = rest.endswith(" ") and not open_quote
    if not tokens or (len(tokens) == 1 and not ends_with_space):
        typed = tokens[0].lower() if tokens else ""
        start = len(head) + 1
        return [Completion(quote(a) + " ", a, "agent", start)
                for a in agents if a.lower().startswith(typed) or typed in a.lower()][:12]
    if head != "/run" or inputs_of is None:
        return []
    config = tokens[0]
    current = "" if ends_with_space else tokens[-1]
    start = cursor - len(current)
    specs = inputs_of(config) or []
    if "=" in current:
        key, _, typed = current.partition("=")
        values = next((vals for k, vals in specs if k == key), None) or []
        return [Completion(f"{key}={v} ", f"{key}={v}", "accepted value", start)
                for v in values if str(v).startswith(typed)]
    used = {t.split("=", 1)[0] for t in tokens[1:] if "=" in t}
    return [Completion(f"{k}=", f"{k}=", "input", start) for k, _ in specs
            if k.startswith(current) and k not in used]
