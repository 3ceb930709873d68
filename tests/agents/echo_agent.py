"""A test agent whose ``mode`` input selects the behaviour under test (it makes real LLM and memory calls)."""

from __future__ import annotations

import time
from typing import Any

from ionflux.agents.base import Agent, AgentContext
from ionflux.agents.llm.base import Message

TEST_DEFINITION: dict[str, Any] = {
    "id": "test_echo",
    "name": "Echo Tester",
    "version": "1.0",
    "definition_status": "experimental",
    "triggers_config_json_array": [
        {"trigger_key": "nightly", "type": "schedule", "default_config_json": {"cron_expression": "0 3 * * *"},
         "is_user_overridable": True},
        {"trigger_key": "hook", "type": "webhook", "default_config_json": {"webhook_path_suffix": "/echo"},
         "is_user_overridable": False},
        {"trigger_key": "on_page", "type": "event",
         "default_config_json": {"event_type": "ionflux.canvas.page.created"}, "is_user_overridable": True},
    ],
    "inputs_schema_json_array": [
        {"key_name": "topic", "data_type": "string", "is_required": True, "description_text": "What to write about"},
        {"key_name": "mode", "data_type": "string", "is_required": False, "default_value": "normal",
         "accepted_values_list": ["normal", "fail", "slow", "bad_output", "llm", "memory", "emit"]},
        {"key_name": "times", "data_type": "number", "is_required": False, "default_value": 1},
        {"key_name": "loud", "data_type": "boolean", "is_required": False, "default_value": False},
        {"key_name": "site", "data_type": "url", "is_required": False},
        {"key_name": "extra", "data_type": "json", "is_required": False},
    ],
    "outputs_config_json_array": [
        {"key_name": "summary", "data_type": "string", "description_text": "The text"},
        {"key_name": "stats", "data_type": "json", "description_text": "Numbers"},
    ],
    "stack_details_json": {"llm_models_used_array": [{"provider": "openai", "model_name": "gpt-4o",
                                                      "purpose": "writing"}]},
    "memory_config_json": {"required": True, "type": "pinecone",
                           "default_namespace_template": "echo_ws_{{workspace_id}}_{{topic}}"},
}


class EchoAgent(Agent):
    """A test agent whose ``mode`` input selects the behaviour under test."""

    definition_id = "test_echo"

    def run(self, inputs: dict[str, Any], ctx: AgentContext) -> dict[str, Any]:
        mode = inputs["mode"]
        ctx.progress(0.5, f"working on {inputs['topic']}")
        if mode == "fail":
            raise RuntimeError("the echo agent was asked to fail")
        if mode == "slow":
            while not ctx.cancel.wait(0.05):
                pass
            ctx.cancel.raise_if_cancelled()
        if mode == "bad_output":
            return {"summary": 42, "stats": {}}
        text = " ".join([inputs["topic"]] * int(inputs["times"]))
        if mode == "llm":
            completion = ctx.llm("writing").chat([Message("user", f"Say one short sentence about {inputs['topic']}.")],
                                                 max_tokens=24, temperature=0.0, seed=1)
            text = completion.text
        if mode == "memory":
            assert ctx.memory is not None
            ctx.memory.add([f"note about {inputs['topic']}"], ids=["n1"])
            text = ctx.memory.query(inputs["topic"], k=1)[0].text
        if mode == "emit":
            ctx.emit("ionflux.agent.echo.said", {"text": text})
        return {"summary": text.upper() if inputs["loud"] else text, "stats": {"words": len(text.split())}}


def wait_for(pred: Any, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")
