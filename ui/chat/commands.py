"""What the composer does with a line: post it, run a slash command, or run a mentioned agent."""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ionflux.core.commands import CommandRegistry, Output, parse_values
from ionflux.core.enums import MessageContentType, SenderType, TriggerType
from ionflux.core.errors import IonfluxError, ValidationError
from ionflux.ui.agent_runs import RunCenter
from ionflux.ui.chat import slash
from ionflux.ui.chat.ask import MAX_ASK_TOKENS, stream_answer
from ionflux.ui.chat.model import ChatViewModel, MessageView, local_row
from ionflux.ui.ops import Op, OpRunner
from ionflux.ui.qt import QTimer
from ionflux.ui.services import Services

MAX_OUTPUT_CHARS = 1500
#: How often streamed text is repainted (about 30 frames a second, whatever the token rate).
STREAM_FRAME_MS = 33
_QUOTED_MENTION = re.compile(r'@"([^"]+)"')
_log = logging.getLogger(__name__)


def text_input_key(definition: dict[str, Any]) -> str | None:
    """The input a chat message feeds when an agent is @mentioned: the first required text input, else the first."""
    specs = [s for s in definition.get("inputs_schema_json_array") or [] if s.get("data_type", "string") == "string"]
    required = [s for s in specs if s.get("is_required")]
    chosen = (required or specs or [None])[0]
    return chosen["key_name"] if chosen else None


def find_mention(text: str, names: list[str]) -> tuple[str, str] | None:
    """The agent configuration a message @mentions (longest name wins) and the message without the mention."""
    quoted = _QUOTED_MENTION.search(text)
    if quoted and quoted.group(1).lower() in {n.lower() for n in names}:
        name = next(n for n in names if n.lower() == quoted.group(1).lower())
        return name, (text[:quoted.start()] + text[quoted.end():]).strip()
    lowered = text.lower()
    for name in sorted(names, key=len, reverse=True):
        at = lowered.find("@" + name.lower())
        if at >= 0 and (at == 0 or text[at - 1].isspace()):
            return name, (text[:at] + text[at + 1 + len(name):]).strip()
    return None


class ChatCommands:
    """Executes composer lines for a :class:`ChatViewModel`.

    Args:
        app: The services object commands run with (``ionflux.app.context.App``).
        registry: The command registry (slash commands).
        vm: The chat view-model.
        ops: The op runner.
        runs: Where agent runs start.
    """

    def __init__(self, app: Services, registry: CommandRegistry, vm: ChatViewModel, ops: OpRunner,
                 runs: RunCenter) -> None:
        self.app, self.registry, self.vm, self.ops, self.runs = app, registry, vm, ops, runs
        self.agents: dict[str, uuid.UUID] = {}
        self.ask_max_tokens = MAX_ASK_TOKENS
        self.ask_seed: int | None = None
        self._warming = False

    def typing(self, text: str) -> None:
        """A composer's text changed: a question being typed loads the local model meanwhile.

        Typing takes seconds; importing llama-cpp-python and loading the model take a fraction of
        one. Done then, on a thread of its own, the answer starts sooner and the window does not
        open the thread panel while that import competes with it for the GIL.
        """
        if not self._warming and text.lstrip().startswith("/ask"):
            self._warming = True
            threading.Thread(target=self._warm_model, name="ionflux-warm-model", daemon=True).start()

    def _warm_model(self) -> None:
        try:
            self.app.router.local().load()
        except Exception:  # the question itself reports what is wrong with the model
            _log.info("the local model could not be loaded ahead of a question", exc_info=True)
            self._warming = False

    def submit(self, text: str, thread_id: uuid.UUID | None = None) -> bool:
        """Handle one composer line. Returns False when nothing was done (the draft stays)."""
        text = text.strip()
        channel_id = self.vm.channel_id
        if not text or channel_id is None:
            return False
        if text.startswith("/"):
            try:
                cmd, raw = slash.parse(text, self.registry)
                values = parse_values(cmd, raw)
            except IonfluxError as exc:
                self.vm.add_local(local_row("IONFLUX", f"⚠ {exc.one_line()}"), thread_id)
                return True
            self._slash(cmd.id, values, text, channel_id, thread_id)
            return True
        mention = find_mention(text, list(self.agents))
        self._post(channel_id, text, thread_id,
                   then=(lambda _m: self.run_agent(mention[0], {}, mention[1])) if mention else None)
        return True

    # -- slash commands ------------------------------------------------------------------------

    def _slash(self, command_id: str, values: dict[str, Any], text: str, channel_id: uuid.UUID,
               thread_id: uuid.UUID | None) -> None:
        if command_id == "agents.run":
            try:
                inputs = dict(_pair(p) for p in values.get("input") or [])
            except IonfluxError as exc:
                self.vm.add_local(local_row("IONFLUX", f"⚠ {exc.one_line()}"), thread_id)
                return
            self._post(channel_id, text, thread_id,
                       then=lambda _m: self.run_agent(values["config"], inputs, dry_run=values.get("dry_run", False)))
            return
        if command_id == "chat.ask":
            self._post(channel_id, text, thread_id, then=lambda m: self.ask(values["question"], m.thread_id or m.id))
            return
        if command_id == "search.query":
            self._search(values["query"], thread_id)
            return
        cmd = self.registry.get(command_id)
        workspace_id = self.vm.workspace_id

        def work() -> Any:  # off the GUI thread, the workspace lookup included
            if "workspace" in {p.name for p in cmd.params} and "workspace" not in values and workspace_id:
                values["workspace"] = next((w.name for w in self.app.workspaces.list(self.app.user_id)
                                            if w.id == workspace_id), "")
            return cmd.func(self.app, **values)

        def done(out: Any) -> None:
            body = out.text if isinstance(out, Output) else "Done."
            self.vm.add_local(local_row("IONFLUX", body[:MAX_OUTPUT_CHARS]), thread_id)

        self.ops.run(work, label=cmd.title.lower(), on_success=done,
                     on_failure=lambda exc: self._failed(exc, thread_id))

    def _failed(self, exc: BaseException, thread_id: uuid.UUID | None) -> None:
        message = exc.one_line() if isinstance(exc, IonfluxError) else f"{type(exc).__name__}: {exc}"
        self.vm.add_local(local_row("IONFLUX", f"⚠ {message}"), thread_id)
        if not isinstance(exc, IonfluxError):
            self.ops.error.emit(exc, "running a chat command")

    def _post(self, channel_id: uuid.UUID, text: str, thread_id: uuid.UUID | None, then: Any = None) -> None:
        def posted(message: Any) -> None:
            self.vm.posted.emit()
            if then is not None:
                then(message)

        self.ops.write(lambda: self.app.chat.post(channel_id, text, thread_id=thread_id), label="post the message",
                       on_success=posted, on_failure=lambda exc: self._failed(exc, thread_id))

    def _search(self, query: str, thread_id: uuid.UUID | None) -> None:
        ws = self.vm.workspace_id

        def found(hits: list[Any]) -> None:
            if not hits:
                body = f"No results for **{query}**."
            else:
                lines = [f"**{len(hits)} result{'s' if len(hits) != 1 else ''} for “{query}”**", ""]
                for h in hits[:10]:
                    title = (h.title or h.snippet).replace("[", "**").replace("]", "**")
                    lines.append(f"- {h.kind}: {title} — _{h.context}_")
                body = "\n".join(lines)
            self.vm.add_local(local_row("IONFLUX", body), thread_id)
            self.vm.posted.emit()

        self.ops.run(lambda: self.app.search.query(query, workspace_id=ws, limit=10), label="search",
                     on_success=found, on_failure=lambda exc: self._failed(exc, thread_id))

    # -- agents --------------------------------------------------------------------------------

    def run_agent(self, config_name: str, inputs: dict[str, Any], message_text: str | None = None, *,
                  dry_run: bool = False) -> None:
        """Run a configuration; a live row shows pending → running → the stored result message."""
        channel_id = self.vm.channel_id
        config_id = self._config_id(config_name)
        if config_id is None or channel_id is None:
            known = ", ".join(self.agents) or "none"
            self.vm.add_local(local_row("IONFLUX", f"⚠ no agent configuration named “{config_name}” (known: {known})"))
            return
        name = next(n for n, c in self.agents.items() if c == config_id)
        if message_text is not None:
            try:
                definition = self.app.registry.get(self.app.agent_configs.get(config_id).agent_definition_id).definition
            except IonfluxError as exc:
                self._failed(exc, None)
                return
            key = text_input_key(definition)
            if key is None:
                self.vm.add_local(local_row("IONFLUX", f"⚠ {name} takes no text input; use /run {name} key=value"))
                return
            inputs = {**inputs, key: message_text}
        row = self.vm.add_local(local_row(name, "Queued…", sender_type="agent", content_type="agent_status_update",
                                          status="pending", payload={"config_name": name}))

        def current() -> MessageView:
            return next((r for r in [*self.vm.rows, *self.vm.thread_rows] if r.id == row.id), row)

        # the run's LLM text as it is generated, shown a frame at a time
        stream = StreamedText(lambda text: self.vm.update_local(replace(current(), status="running", streaming=True,
                                                                        text=text)))

        def progress(run_id: uuid.UUID, fraction: float, text: str) -> None:
            now = current()
            self.vm.update_local(replace(now, status="running", progress=fraction,
                                         text=stream.text or text or "Running…",
                                         payload={**now.payload, "run_id": str(run_id)}))

        def done(result: Any, exc: BaseException | None) -> None:
            stream.close()
            self._store_result(channel_id, config_id, name, row, result, exc)

        self.runs.run(config_id, inputs, trigger=TriggerType.MANUAL_COMMAND, dry_run=dry_run, label=f"running {name}",
                      on_progress=progress, on_token=stream.add, on_done=done)

    def _config_id(self, name: str) -> uuid.UUID | None:
        if name in self.agents:
            return self.agents[name]
        matches = [c for n, c in self.agents.items() if n.lower() == name.lower()] or \
                  [c for n, c in self.agents.items() if n.lower().startswith(name.lower())]
        return matches[0] if len(matches) == 1 else None

    def _store_result(self, channel_id: uuid.UUID, config_id: uuid.UUID, name: str, row: MessageView, result: Any,
                      exc: BaseException | None) -> None:
        run = result.run if result is not None else getattr(exc, "run", None)
        status = run.status.value if run is not None else "error"
        payload: dict[str, Any] = {"config_name": name, "agent_configuration_id": str(config_id), "status": status}
        if run is not None:
            payload["run_id"] = str(run.run_id)
            if run.end_time and run.start_time:
                payload["duration_ms"] = round((run.end_time - run.start_time).total_seconds() * 1000)
        if result is not None:
            payload["outputs"] = {k: _short(v) for k, v in result.outputs.items()}
            text = run.output_preview_text or "Done."
        else:
            message = exc.one_line() if isinstance(exc, IonfluxError) else f"{type(exc).__name__}: {exc}"
            payload["error_message_text"] = message
            text = message
        self.vm.update_local(replace(row, status=status, progress=None, text=text, payload=payload, streaming=False))
        body = {"status_update_json": payload, "text_body": text}
        self.ops.write(lambda: self.app.chat.post(channel_id, body, content_type=MessageContentType.AGENT_STATUS_UPDATE,
                                                  sender_type=SenderType.AGENT, sender_id=config_id),
                       label="post the agent's reply", on_success=lambda _m: self.vm.drop_local(row.id),
                       on_failure=lambda e: self._failed(e, None))

    # -- /ask ----------------------------------------------------------------------------------

    def ask(self, question: str, root_id: uuid.UUID) -> Op:
        """Answer in the thread of ``root_id`` with the local model, streamed; then store the answer."""
        channel_id = self.vm.channel_id
        self.vm.open_thread(root_id)
        row = self.vm.add_local(local_row("IONFLUX assistant", "", streaming=True, status="running"), root_id)
        stream = StreamedText(lambda text: self.vm.update_local(
            replace(next((r for r in self.vm.thread_rows if r.id == row.id), row), text=text)))

        def work(op: Op) -> str:
            provider = self.app.router.local()
            return stream_answer(provider, question, lambda piece: self.ops.relay(stream.add, piece), cancel=op.token,
                                 max_tokens=self.ask_max_tokens, seed=self.ask_seed)

        def answered(answer: str) -> None:
            stream.close()
            self.vm.update_local(replace(row, text=answer, streaming=False, status=None))
            if channel_id is None:
                return
            self.ops.write(lambda: self.app.chat.post(channel_id, answer or "(no answer)", content_type="markdown",
                                                      thread_id=root_id, sender_type=SenderType.SYSTEM),
                           label="store the answer", on_success=lambda _m: self.vm.drop_local(row.id))

        return self.ops.run(work, label="answering", pass_op=True, cancellable=True, visible=True,
                            on_success=answered,
                            on_failure=lambda exc: (stream.close(), self.vm.drop_local(row.id),
                                                    self._failed(exc, root_id)))


class StreamedText:
    """Generated text arriving piece by piece, shown at most once per frame (not once per token).

    Args:
        show: Called on the GUI thread with the whole text so far.
    """

    def __init__(self, show: Callable[[str], Any]) -> None:
        self._show = show
        self._pieces: list[str] = []
        self._pending = False
        self._closed = False

    @property
    def text(self) -> str:
        return "".join(self._pieces)

    def add(self, piece: str) -> None:
        self._pieces.append(piece)
        if not self._pending and not self._closed:
            self._pending = True
            QTimer.singleShot(STREAM_FRAME_MS, self._flush)

    def close(self) -> None:
        """The final text is shown by the caller: no late frame may overwrite it."""
        self._closed = True

    def _flush(self) -> None:
        self._pending = False
        if not self._closed:
            self._show(self.text)


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValidationError(f"{text!r} should look like key=value", where="/run")
    return key.strip(), value


def _short(value: Any) -> Any:
    """Outputs kept in a chat message: small values whole, big ones summarised (the run log has all)."""
    import json

    text = json.dumps(value, default=str)
    return value if len(text) <= MAX_OUTPUT_CHARS else {"truncated": True, "preview": text[:MAX_OUTPUT_CHARS]}
