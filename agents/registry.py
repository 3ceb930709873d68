"""The agent registry: the only way code finds an agent definition and its implementation.

Definitions come from ``resources/agents/*.yaml`` (checked on load); implementations are the
:class:`~ionflux.agents.base.Agent` subclasses in the agent packages under ``ionflux.agents``
(each declares its ``definition_id``). A definition without an implementation is listed but
cannot run.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ionflux.agents.base import Agent
from ionflux.core.definitions import check_definition, shipped_definitions
from ionflux.core.errors import NotFoundError, ValidationError

#: Agent implementation packages (each has an ``agent`` module).
AGENT_PACKAGES = ("sentinel", "email_wizard", "revenue_tracker", "persona_guardian")


@dataclass(frozen=True)
class RegisteredAgent:
    definition: dict[str, Any]
    implementation: type[Agent] | None

    @property
    def id(self) -> str:
        return self.definition["id"]

    @property
    def name(self) -> str:
        return self.definition["name"]

    @property
    def runnable(self) -> bool:
        return self.implementation is not None


class AgentRegistry:
    """Definitions by id, each with its implementation class when there is one."""

    def __init__(self, definitions: list[dict[str, Any]] | None = None,
                 implementations: list[type[Agent]] | None = None) -> None:
        defs = definitions if definitions is not None else shipped_definitions()
        impls = implementations if implementations is not None else discover_implementations()
        by_def: dict[str, type[Agent]] = {}
        for cls in impls:
            if cls.definition_id in by_def:
                raise ValidationError(f"{cls.__name__} and {by_def[cls.definition_id].__name__} both implement "
                                      f"{cls.definition_id}", where="agents")
            by_def[cls.definition_id] = cls
        self._agents = {d["id"]: RegisteredAgent(d, by_def.get(d["id"])) for d in defs}

    def add(self, definition: dict[str, Any], implementation: type[Agent] | None = None) -> RegisteredAgent:
        """Register one more agent (plugins, tests); its definition is checked like shipped ones."""
        checked = check_definition(definition, f"definition {definition.get('id')}")
        if checked["id"] in self._agents:
            raise ValidationError(f"agent {checked['id']!r} is already registered", where="agents")
        entry = RegisteredAgent(checked, implementation)
        self._agents[checked["id"]] = entry
        return entry

    def get(self, definition_id: str) -> RegisteredAgent:
        try:
            return self._agents[definition_id]
        except KeyError:
            known = ", ".join(sorted(self._agents))
            raise NotFoundError(f"no agent definition {definition_id!r} (known: {known})", where="definition") from None

    def definitions(self) -> list[dict[str, Any]]:
        return [a.definition for a in self]

    def __iter__(self) -> Iterator[RegisteredAgent]:
        return iter(sorted(self._agents.values(), key=lambda a: a.id))


def discover_implementations() -> list[type[Agent]]:
    """Import each agent package's ``agent`` module and collect its Agent subclasses."""
    found: list[type[Agent]] = []
    base = importlib.import_module("ionflux.agents")
    available = {m.name for m in pkgutil.iter_modules(base.__path__)}
    for package in AGENT_PACKAGES:
        if package not in available:
            continue
        try:
            module = importlib.import_module(f"ionflux.agents.{package}.agent")
        except ModuleNotFoundError as exc:
            if exc.name == f"ionflux.agents.{package}.agent":
                continue
            raise
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Agent) and value is not Agent and \
                    getattr(value, "definition_id", None) and value.__module__ == module.__name__:
                found.append(value)
    return found
