"""Copy per segment: the prompt library's brief, checks on what the model writes, the template fallback."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from ionflux.agents.email_wizard.copywriter import Campaign, brief, check_copy, finish, template_copy, write_copy
from ionflux.agents.email_wizard.drip import PLANS
from ionflux.agents.llm.base import Completion
from ionflux.core.context import Context
from ionflux.core.errors import NotFoundError, ValidationError
from ionflux.core.prompts import Prompts

CAMPAIGN = Campaign.from_json({"product_name": "Recycled Denim Jacket", "key_benefits": "made from 100% recycled "
                               "cotton, built to last", "call_to_action_url": "https://ecothreads.example/denim"},
                              "EcoThreads Boutique")
WELCOME = PLANS["new"][0]


class ScriptedModel:
    """A provider that answers with fixed text, to test what is done with an answer."""

    name, model = "scripted", "fixed"

    def __init__(self, text: str) -> None:
        self.text = text
        self.calls: list[Any] = []

    def chat(self, messages: Any, **kw: Any) -> Completion:
        self.calls.append(messages)
        return Completion(self.text, "fixed", "scripted", 10, 10, 0.0, "stop")


def test_the_brief_comes_from_the_prompt_library(demo: Context, demo_ws: uuid.UUID) -> None:
    prompts = Prompts(demo)

    def render(name: str, variables: Any) -> str:
        return prompts.render(prompts.find(demo_ws, name).id, variables)

    text, note = brief(render, CAMPAIGN, "champions", PLANS["champions"][0])
    assert note is None
    assert text.startswith("Generate an exciting promotional email for our product: Recycled Denim Jacket.")
    assert "The target audience is our best customers" in text and "Get early access" in text
    assert text.endswith("This email's theme: early VIP access to the launch.")


def test_a_missing_prompt_falls_back_to_the_built_in_brief() -> None:
    def render(name: str, variables: Any) -> str:
        raise NotFoundError(f"no prompt named {name!r}", where="prompt")

    text, note = brief(render, CAMPAIGN, "new", WELCOME)
    assert "Recycled Denim Jacket" in text and "no prompt named" in note


@pytest.mark.parametrize(("subject", "body", "problem"), [
    ("Hi", "x" * 80, "too short"),
    ("Meet the Recycled Denim Jacket", "Hello {{first_name}}, " + "y" * 60, "placeholder"),
    ("Meet the Recycled Denim Jacket", "See https://evil.example now. " + "z" * 60, "link"),
    ("A jacket you will love", "It is soft, warm and made to last for years and years to come.", "does not name"),
    ("RECYCLED DENIM JACKET NOW", "The Recycled Denim Jacket is here and it is lovely for autumn days.", "shouts"),
    ("Meet the Recycled Denim Jacket", "buy it now buy it now buy it now buy it now, the Recycled Denim Jacket",
     "repeats"),
    ("Cheap Recycled Denim Jacket", "The Recycled Denim Jacket is a great deal for a cheap price today.", "ban"),
])
def test_bad_generated_copy_is_caught(subject: str, body: str, problem: str) -> None:
    assert problem in check_copy(subject, body, CAMPAIGN, ["cheap", "deal"])


def test_good_model_copy_is_used() -> None:
    answer = {"subject": "Your Recycled Denim Jacket is here",
              "body": "Thank you for your first order! The Recycled Denim Jacket is made from recycled cotton."}
    model = ScriptedModel(json.dumps(answer))
    copy = write_copy(model, "brief", "warm, upbeat", CAMPAIGN, "new", WELCOME, ["cheap"])  # type: ignore[arg-type]
    assert (copy.subject, copy.source, copy.note) == (answer["subject"], "llm", None)
    system = model.calls[0][0].content
    assert "EcoThreads Boutique" in system and "warm, upbeat" in system


@pytest.mark.parametrize(("reply", "why"), [
    ('{"subject": "RECYBED JACKET", "body": "RECYBED JACKET"}', "no usable answer"),  # breaks the schema
    ("not json at all", "no usable answer"),
    (json.dumps({"subject": "A cheap jacket for you", "body": "The Recycled Denim Jacket, cheap today only, grab "
                 "it now before it is gone."}), "dropped: uses words the voice guidelines ban: cheap"),
])
def test_unusable_model_copy_falls_back_to_the_template(reply: str, why: str) -> None:
    copy = write_copy(ScriptedModel(reply), "brief", "", CAMPAIGN, "new", WELCOME, ["cheap"])  # type: ignore[arg-type]
    assert copy.source == "template" and why in copy.note
    assert (copy.subject, copy.body) == template_copy(CAMPAIGN, "new", WELCOME)


def test_templates_are_usable_for_every_step() -> None:
    for segment, steps in PLANS.items():
        for step in steps:
            subject, body = template_copy(CAMPAIGN, segment, step)
            assert check_copy(subject, body, CAMPAIGN, []) is None, (segment, step.key)


def test_finished_bodies_greet_link_and_explain() -> None:
    text, html = finish(write_copy(None, "", "", CAMPAIGN, "new", WELCOME, []), CAMPAIGN, WELCOME)
    assert text.startswith("Hi -first_name-,") and "Discover the collection: https://ecothreads.example/denim" in text
    assert '<a href="https://ecothreads.example/denim">Discover the collection</a>' in html
    assert "you subscribed to EcoThreads Boutique emails" in text


def test_campaign_inputs_are_checked() -> None:
    with pytest.raises(ValidationError) as err:
        Campaign.from_json({"call_to_action_url": "javascript:alert(1)"}, "Brand")
    assert err.value.where == "campaign.call_to_action_url"
    with pytest.raises(ValidationError):
        Campaign.from_json({"product_name": 3}, "Brand")
