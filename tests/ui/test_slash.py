"""Slash-command parsing and completion, @mentions, fuzzy matching and editor completion (no window needed)."""

from __future__ import annotations

from typing import Any

import pytest
from ui_support import COPY_DEFINITION

from ionflux.core.errors import ValidationError
from ionflux.ui.chat.commands import find_mention, text_input_key
from ionflux.ui.chat.slash import complete, parse
from ionflux.ui.editor.completion import suggest
from ionflux.ui.fuzzy import score


@pytest.fixture(scope="module")
def registry() -> Any:
    from ionflux.app.commands import load_all

    return load_all()


def test_parse_slash_commands(registry: Any) -> None:
    cmd, raw = parse("/run Copy Desk brief=flash sale tone=calm", registry)
    assert cmd.id == "agents.run"
    assert raw == {"config": "Copy Desk", "input": ["brief=flash sale", "tone=calm"]}
    assert parse('/run "Copy Desk" --dry-run', registry)[1] == {"config": "Copy Desk", "dry_run": True}
    assert parse("/ask what's new this week?", registry)[1] == {"question": "what's new this week?"}
    assert parse("/page Launch week", registry)[1] == {"title": "Launch week"}
    assert parse('/schedule "Copy Desk" */5 * * * *', registry)[1] == {"config": "Copy Desk", "cron": "*/5 * * * *"}
    assert parse("/help", registry)[0].id == "help.slash"
    with pytest.raises(ValidationError, match="unknown command /nope"):
        parse("/nope", registry)


def test_complete_commands_configs_inputs_and_values(registry: Any) -> None:
    agents = ["Copy Desk", "Sales Sentinel"]

    def inputs_of(name: str) -> list[tuple[str, list[str]]]:
        return [("brief", []), ("tone", ["bold", "calm"])] if name == "Copy Desk" else []

    assert [c.label for c in complete("/sc", 3, registry, agents)] == ["/schedule"]
    assert [c.label for c in complete("/run sa", 7, registry, agents)] == ["Sales Sentinel"]
    got = complete('/run "Copy Desk" ', 17, registry, agents, inputs_of)
    assert [c.label for c in got] == ["brief=", "tone="]
    got = complete('/run "Copy Desk" tone=c', 23, registry, agents, inputs_of)
    assert [(c.insert, c.start) for c in got] == [("tone=calm ", 17)]
    assert [c.label for c in complete("hey @co", 7, registry, agents)] == ["@Copy Desk"]
    assert complete("plain text", 10, registry, agents) == []


def test_mentions_and_the_input_they_feed() -> None:
    names = ["Copy", "Copy Desk"]
    assert find_mention("@Copy Desk write a launch line", names) == ("Copy Desk", "write a launch line")
    assert find_mention('please @"copy desk" do it', names) == ("Copy Desk", "please  do it")
    assert find_mention("email@copy.com is not a mention", names) is None
    assert text_input_key(COPY_DEFINITION) == "brief"
    assert text_input_key({"inputs_schema_json_array": [{"key_name": "n", "data_type": "number"}]}) is None


def test_fuzzy_prefers_substrings_and_word_starts() -> None:
    assert score("fit", "Fit to content") > score("fit", "Profit report")  # type: ignore[operator]
    assert score("npg", "New page") is not None
    assert score("xyz", "New page") is None
    ranked = sorted(["Send to back", "Bring to front", "Bold"], key=lambda t: -(score("bt", t) or -1e9))
    assert ranked[0] in ("Send to back", "Bring to front")


def test_editor_completion_from_the_definition() -> None:
    assert [s.text for s in suggest("inputs:\n  to", 1, 4, COPY_DEFINITION)[1]] == ["tone: "]
    assert [s.text for s in suggest("inputs:\n  tone: c", 1, 9, COPY_DEFINITION)[1]] == ["calm"]
    assert [s.text for s in suggest("tim", 0, 3, COPY_DEFINITION)[1]] == ["timeout_seconds: "]
    start, items = suggest("triggers:\n  - trigger_definition_key: d", 1, 29, COPY_DEFINITION)
    assert (start, [s.text for s in items]) == (28, ["daily"])
