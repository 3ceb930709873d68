"""The command registry: every user action declared once, as a plain typed function.

``@registry.command("page.create", title="New page", keys="Ctrl+N")`` on a function makes it a
command. Its signature gives the arguments (parameters without a default are positional;
keyword-only ones are options), its docstring's first line the help, its ``Args:`` section the
per-argument help. The CLI, the chat dock's slash commands, the command palette and the
shortcuts sheet all read the same registry, so an action has one definition and one name.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ionflux.core.errors import ValidationError

#: Names of the parameter that receives the application context; never a user argument.
CONTEXT_PARAMS = ("app",)


@dataclass(frozen=True)
class Param:
    """One argument of a command."""

    name: str
    type: type
    default: Any
    positional: bool
    repeated: bool
    help: str

    @property
    def required(self) -> bool:
        return self.default is inspect.Parameter.empty

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


@dataclass(frozen=True)
class Command:
    """A registered action."""

    id: str
    func: Callable[..., Any]
    title: str
    help: str
    description: str
    params: tuple[Param, ...]
    keys: str | None = None
    cli: tuple[str, ...] | None = None
    slash: str | None = None
    json_output: bool = False
    gui_only: bool = False
    category: str = field(default="")

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


class CommandRegistry:
    """Holds commands by id; a second command with the same id is refused."""

    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    def command(self, command_id: str, *, title: str, keys: str | None = None, cli: str | bool | None = True,
                slash: str | None = None, json_output: bool = False,
                gui_only: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated function as command ``command_id``.

        Args:
            command_id: Dotted id, e.g. ``page.create``; also the default CLI path (``page create``).
            title: Short title for menus and the palette.
            keys: Default key binding (user-overridable), e.g. ``Ctrl+N``.
            cli: The CLI words (``"seed-demo"``), True for the id's words, False/None for none.
            slash: Slash-command name in the chat composer, e.g. ``/page``.
            json_output: Add a ``--json`` switch; the function's return value is then printed as JSON.
            gui_only: Only meaningful in the window (not offered in the CLI).

        """

        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            if command_id in self._commands:
                raise ValueError(f"command {command_id!r} is registered twice")
            doc = inspect.getdoc(func) or ""
            summary = doc.splitlines()[0] if doc else title
            cli_path: tuple[str, ...] | None
            if cli is True:
                cli_path = tuple(command_id.split("."))
            elif isinstance(cli, str):
                cli_path = tuple(cli.split())
            else:
                cli_path = None
            self._commands[command_id] = Command(
                id=command_id, func=func, title=title, help=summary, description=_description(doc),
                params=tuple(_params(func, _arg_help(doc))), keys=keys, cli=None if gui_only else cli_path,
                slash=slash, json_output=json_output, gui_only=gui_only, category=command_id.split(".")[0])
            return func

        return register

    def get(self, command_id: str) -> Command:
        try:
            return self._commands[command_id]
        except KeyError:
            raise ValidationError(f"unknown command {command_id!r}", where="command") from None

    def by_slash(self, name: str) -> Command | None:
        wanted = name if name.startswith("/") else "/" + name
        return next((c for c in self._commands.values() if c.slash == wanted), None)

    def __iter__(self) -> Iterator[Command]:
        return iter(sorted(self._commands.values(), key=lambda c: c.id))

    def __len__(self) -> int:
        return len(self._commands)


def parse_values(cmd: Command, raw: dict[str, Any]) -> dict[str, Any]:
    """Convert raw strings (from a CLI or a slash command) to the declared parameter types."""
    out: dict[str, Any] = {}
    for p in cmd.params:
        if p.name not in raw or raw[p.name] is None:
            if p.required:
                raise ValidationError("is required", where=p.name if p.positional else p.flag)
            continue
        value = raw[p.name]
        out[p.name] = [_convert(p, v) for v in value] if p.repeated else _convert(p, value)
    return out


def _convert(p: Param, value: Any) -> Any:
    if p.type is bool or isinstance(value, p.type if isinstance(p.type, type) else object):
        return value
    try:
        if p.type is Path:
            return Path(value).expanduser()
        return p.type(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{value!r} is not a valid {p.type.__name__}", where=p.name) from None


def _params(func: Callable[..., Any], helps: dict[str, str]) -> Iterator[Param]:
    hints = typing.get_type_hints(func)
    for name, param in inspect.signature(func).parameters.items():
        if name in CONTEXT_PARAMS:
            continue
        ann = hints.get(name, str)
        repeated = False
        origin = typing.get_origin(ann)
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if origin in (list, tuple) or (args and typing.get_origin(args[0]) in (list, tuple)):
            inner = typing.get_args(ann)[0] if origin in (list, tuple) else typing.get_args(args[0])[0]
            ann, repeated = inner, True
        elif args:
            ann = args[0]
        yield Param(name=name, type=ann if isinstance(ann, type) else str, default=param.default,
                    positional=param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
                    and param.default is inspect.Parameter.empty,
                    repeated=repeated, help=helps.get(name, ""))


def _arg_help(doc: str) -> dict[str, str]:
    helps: dict[str, str] = {}
    in_args = False
    current = None
    for line in doc.splitlines():
        if line.strip() in ("Args:", "Arguments:"):
            in_args = True
            continue
        if in_args:
            if line and not line.startswith(" "):
                break
            m = re.match(r"^\s{2,8}(\w+)(?: \([^)]*\))?:\s*(.*)$", line)
            if m:
                current = m.group(1)
                helps[current] = m.group(2).strip()
            elif current and line.strip():
                helps[current] += " " + line.strip()
    return helps


def _description(doc: str) -> str:
    body = []
    for line in doc.splitlines()[1:]:
        if line.strip() in ("Args:", "Returns:", "Raises:"):
            break
        body.append(line)
    return "\n".join(body).strip()


@dataclass(frozen=True)
class Output:
    """What a command produced: text for people, data for ``--json`` and for the window."""

    text: str
    data: Any = None
