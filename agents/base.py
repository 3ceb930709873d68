"""The agent base class and the context every run gets.

Adding an agent takes one YAML definition under ``resources/agents/`` and one module here with
a subclass of :class:`Agent` naming that definition's id::

    class SalesSentinel(Agent):
        definition_id = "agent_004_refactored"

        def run(self, inputs: dict[str, Any], ctx: AgentContext) -> dict[str, Any]:
            ctx.progress(0.1, "reading the order stream")
            ...
            return {"incident_analysis_report": report, "alert_to_brief_butler": alert}

Inputs arrive already validated and merged (definition defaults ← YAML ← runtime params); the
returned mapping must hold every output the definition declares, with the declared types.
"""

from __future__ import annotations

import logging
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ionflux.agents.llm.base import CancelToken, LLMProvider

if TYPE_CHECKING:
    from ionflux.agents.memory.store import MemoryHit
    from ionflux.core.context import Context


class NamespacedMemory:
    """A run's view of vector memory: one namespace, resolved from the definition's template."""

    def __init__(self, store: Any, namespace: str) -> None:
        self._store = store
        self.namespace = namespace

    def add(self, texts: list[str], *, ids: list[str] | None = None, metadatas: list[dict[str, Any]] | None = None,
            embeddings: Any = None) -> list[str]:
        """Store texts (with precomputed vectors when given, e.g. a centroid)."""
        return self._store.add(self.namespace, texts, ids=ids, metadatas=metadatas, embeddings=embeddings)

    def query(self, text: str, *, k: int = 5, where: dict[str, Any] | None = None) -> list[MemoryHit]:
        return self._store.query(self.namespace, text, k=k, where=where)

    def delete(self, ids: list[str] | None = None, where: dict[str, Any] | None = None) -> None:
        self._store.delete(self.namespace, ids=ids, where=where)

    def count(self) -> int:
        return self._store.count(self.namespace)


@dataclass
class AgentContext:
    """Everything an agent may use during one run.

    Attributes:
        run_id: This run's public id.
        workspace_id: The workspace the configuration belongs to.
        config_id: The configuration being run.
        store: Core services' context (acting as the user who triggered the run, if any).
        llm: Returns the provider for a purpose of the definition's ``llm_models_used_array``
            (``ctx.llm("root cause analysis")``); falls back to the local model, and says so.
        memory: The run's vector-memory namespace (None when the definition uses no memory).
        emit: Records a domain event (``ionflux.agent.salessentinel.anomaly_detected``) in the
            outbox and on the bus.
        progress: Reports progress (0..1 and a message) to whoever watches the run.
        log: A logger whose records also go to the run's log.
        cancel: Set when the user cancels or the timeout passes; check it in long loops.
        render_prompt: Renders a prompt of the workspace's library by name, variables checked.
        kpis: Agent-reported KPIs for the run log (LLM usage is added automatically).
        dry_run: True when side effects outside IONFLUX (sending email, posting to Slack...) must
            be described, not performed.
        secrets: Resolves a keyring reference (``sendgrid_api_key_secret_ref``) to its secret, or
            None when nothing is stored; None when the runtime gives agents no keyring access.
            Agents never see the keyring itself, only the secrets their configuration names.
    """

    run_id: uuid.UUID
    workspace_id: uuid.UUID
    config_id: uuid.UUID
    store: Context
    llm: Callable[[str | None], LLMProvider]
    memory: NamespacedMemory | None
    emit: Callable[[str, dict[str, Any]], None]
    progress: Callable[[float, str], None]
    log: logging.Logger
    cancel: CancelToken
    render_prompt: Callable[[str, Mapping[str, Any]], str]
    kpis: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    secrets: Callable[[str], str | None] | None = None


class Agent(ABC):
    """Base of every agent implementation; see the module docstring."""

    #: The id of the agent definition (YAML) this class implements.
    definition_id: ClassVar[str]

    @abstractmethod
    def run(self, inputs: dict[str, Any], ctx: AgentContext) -> dict[str, Any]:
        """Do the work for one run and return the outputs by key."""

    def preview(self, outputs: Mapping[str, Any]) -> str:
        """A one-paragraph summary for the run log and chat (default: the first output, shortened)."""
        for value in outputs.values():
            text = value if isinstance(value, str) else repr(value)
            return text[:500]
        return ""
