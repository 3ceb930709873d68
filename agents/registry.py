"""The agent registry: the only way code finds an agent definition and its implementation.

Definitions come from ``resources/agents/*.yaml`` (checked on load); implementations are the
:class:`~ionflux.agents.base.Agent` subclasses in the agent packages under ``ionflux.agents``
(each declares its ``definition_id``). A definition without an implementation is listed but
cannot run.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ionflux.agents.base import Agent
from ionflux.core.definitions import check_definition, shipped_definitions
from ionflux.core.errors import NotFoundError, ValidationError

#: Which package implements which shipped definition (each package has an ``agent`` module).
#: Implementations are imported on first use, so listing agents or opening the window stays fast.
AGENT_PACKAGES = {
    "agent_004_refactored": "sentinel",
    "agent_001": "email_wizard",
    "agent_010_refactored": "revenue_tracker",
    "agent_008_refactored": "persona_guardian",
}


@dataclass
class RegisteredAgent:
    definition: dict[str, Any]
    _implementation: type[Agent] | None = None
    _package: str | None = None

    @property
    def id(self) -> str:
        return self.definition["id"]

    @property
    def name(self) -> str:
        return self.definition["name"]

    @property
    def runnable(self) -> bool:
        if self._implementation is not None:
            return True
        return self._package is not None and importlib.util.find_spec(f"ionflux.agents.{self._package}.agent") \
            is not None

    @property
    def implementation(self) -> type[Agent] | None:
        """The Agent class, imported now if it was not yet."""
        if self._implementation is None and self._package is not None:
            self._implementation = _load(self._package, self.id)
        return self._implementation


class AgentRegistry:
    """Definitions by id, each with its implementation class when there is one."""

    def __init__(self, definitions: list[dict[str, Any]] | None = None,
                 implementations: list[type[Agent]] | None = None) -> None:
        """Register definitions with their implementations.

        Args:
            definitions: The definitions (default: the shipped YAML files).
            implementations: Explicit Agent classes (tests); default: the packages of AGENT_PACKAGES, lazily.
        """
        defs = definitions if definitions is not None else shipped_definitions()
        by_def: dict[str, type[Agent]] = {}
        for cls in implementations or []:
            if cls.definition_id in by_def:
                raise ValidationError(f"{cls.__name__} and {by_def[cls.definition_id].__name__} both implement "
                                      f"{cls.definition_id}", where="agents")
            by_def[cls.definition_id] = cls
        lazy = AGENT_PACKAGES if implementations is None else {}
        self._agents = {d["id"]: RegisteredAgent(d, by_def.get(d["id"]), lazy.get(d["id"])) for d in defs}

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


def _load(package: str, definition_id: str) -> type[Agent]:
    """The Agent subclass in ``ionflux.agents.<package>.agent`` that implements ``definition_id``."""
    module = importlib.import_module(f"ionflux.agents.{package}.agent")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Agent) and value is not Agent and \
                getattr(value, "definition_id", None) == definition_id:
            return value
    raise ValidationError(f"ionflux.agents.{package}.agent has no Agent for {definition_id}", where="agents")
