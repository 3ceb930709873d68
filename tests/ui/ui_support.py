"""A small test agent for the window's tests (the real agents are not needed here)."""

from __future__ import annotations

from typing import Any

from ionflux.agents.base import Agent, AgentContext

COPY_DEFINITION: dict[str, Any] = {
    "id": "test_copywriter",
    "name": "Copy Tester",
    "version": "1.0",
    "definition_status": "experimental",
    "prm_details_json": {"tagline": "Headlines on demand", "core_capabilities_array": ["Headlines", "Counts"]},
    "triggers_config_json_array": [
        {"trigger_key": "daily", "type": "schedule", "default_config_json": {"cron_expression": "0 9 * * *"},
         "is_user_overridable": True},
    ],
    "inputs_schema_json_array": [
        {"key_name": "brief", "data_type": "string", "is_required": True, "description_text": "What to write about"},
        {"key_name": "tone", "data_type": "string", "is_required": False, "default_value": "bold",
         "accepted_values_list": ["bold", "calm", "fail", "slow", "model"]},
    ],
    "outputs_config_json_array": [
        {"key_name": "headline", "data_type": "string", "description_text": "The headline"},
        {"key_name": "stats", "data_type": "json", "description_text": "Numbers about it"},
    ],
}


class CopyAgent(Agent):
    """Writes a headline from its brief; tone=fail fails, tone=slow waits until cancelled, tone=model asks the LLM."""

    definition_id = "test_copywriter"

    def run(self, inputs: dict[str, Any], ctx: AgentContext) -> dict[str, Any]:
        ctx.progress(0.3, f"writing about {inputs['brief']}")
        if inputs["tone"] == "fail":
            raise RuntimeError("the copy agent was asked to fail")
        if inputs["tone"] == "slow":
            while not ctx.cancel.wait(0.02):
                pass
            ctx.cancel.raise_if_cancelled()
        headline = f"{inputs['brief'].strip().title()}!"
        if inputs["tone"] == "model":
            from ionflux.agents.llm.base import Message

            headline = ctx.llm(None).chat([Message("user", f"Write a headline about {inputs['brief']}.")],
                                          max_tokens=12, seed=1).text.strip() or headline
        ctx.progress(0.9, "polishing")
        return {"headline": headline, "stats": {"chars": len(headline)}}
