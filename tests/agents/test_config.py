import pytest
from echo_agent import TEST_DEFINITION

from ionflux.agents.config import ConfigInvalid, coerce_input, resolve_config, resolve_template
from ionflux.core.definitions import shipped_definitions
from ionflux.core.errors import ValidationError


def _sentinel() -> dict:
    return next(d for d in shipped_definitions() if d["id"] == "agent_004_refactored")


def test_the_seeded_sentinel_configuration_is_valid() -> None:
    yaml_text = ('inputs:\n  min_order_value_alert_threshold: 100.00\ntriggers:\n'
                 '  - trigger_definition_key: "shopify_events_consumer" # a comment\n    enabled: true\n')
    eff = resolve_config(_sentinel(), yaml_text)
    assert eff.inputs["min_order_value_alert_threshold"] == 100.0
    keys = {t["trigger_key"]: t for t in eff.triggers}
    assert keys["shopify_events_consumer"]["enabled"] is True
    assert keys["health_check_schedule"]["cron_expression"] == "*/5 * * * *"


def test_precedence_defaults_then_yaml_then_runtime() -> None:
    eff = resolve_config(TEST_DEFINITION, "inputs:\n  topic: a\n  times: 2\n", {"times": "3"})
    assert eff.inputs == {"topic": "a", "mode": "normal", "times": 3, "loud": False}


@pytest.mark.parametrize(("yaml_text", "line", "fragment"), [
    ("inputs:\n  topic: a\n  times: lots\n", 3, "not a number"),
    ("inputs:\n  topic: a\n  mode: chaos\n", 3, "not one of: normal"),
    ("inputs:\n  topic: a\n  loud: perhaps\n", 3, "true or false"),
    ("inputs:\n  topic: a\n  site: ftp://x\n", 3, "http(s) URL"),
    ("inputs:\n  topic: a\n  colour: red\n", 3, "is not an input of Echo Tester"),
    ("inputs:\n  mode: normal\n", 1, "required input 'topic' is missing"),
    ("inputs:\n  topic: a\ntriggers:\n  - trigger_definition_key: nightly\n    cron_expression: '61 * * * *'\n", 5,
     "not a valid cron"),
    ("inputs:\n  topic: a\ntriggers:\n  - trigger_definition_key: hook\n    webhook_path_suffix: /x\n", 5,
     "cannot be changed"),
    ("inputs:\n  topic: a\ntriggers:\n  - trigger_definition_key: daily\n", 4, "is not a trigger"),
    ("inputs:\n  topic: a\nsurprise: 1\n", 3, "unknown key"),
    ("inputs:\n  topic: [unclosed\n", 3, ""),
])
def test_every_error_names_its_line(yaml_text: str, line: int, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        resolve_config(TEST_DEFINITION, yaml_text, source="echo.yaml")
    assert err.value.where.startswith(f"echo.yaml:{line}:"), err.value.where
    assert fragment in str(err.value)


def test_all_problems_are_collected() -> None:
    with pytest.raises(ConfigInvalid) as err:
        resolve_config(TEST_DEFINITION, "inputs:\n  topic: a\n  times: x\n  loud: maybe\n", source="e.yaml")
    assert [p.line for p in err.value.problems] == [3, 4]
    assert "and 1 more" in str(err.value)


def test_overridable_trigger_changes_apply() -> None:
    eff = resolve_config(TEST_DEFINITION, "inputs: {topic: a}\ntriggers:\n  - trigger_definition_key: nightly\n"
                                          "    cron_expression: '*/15 * * * *'\n  - trigger_definition_key: hook\n"
                                          "    enabled: false\n")
    by_key = {t["trigger_key"]: t for t in eff.triggers}
    assert by_key["nightly"]["cron_expression"] == "*/15 * * * *"
    assert by_key["hook"]["enabled"] is False


def test_coercion_from_command_line_text() -> None:
    assert coerce_input({"data_type": "json"}, '{"a": 1}') == {"a": 1}
    assert coerce_input({"data_type": "boolean"}, "yes") is True
    assert coerce_input({"data_type": "number"}, "2.5") == 2.5
    with pytest.raises(ValueError, match="not valid JSON"):
        coerce_input({"data_type": "json"}, "{oops")


def test_templates() -> None:
    assert resolve_template("ws_{{workspace_id}}_id_{{creator_id_or_brand_id}}",
                            {"workspace_id": "w1", "creator_id_or_brand_id": "c9"}, where="ns") == "ws_w1_id_c9"
    with pytest.raises(ValidationError, match="creator_id_or_brand_id"):
        resolve_template("ws_{{workspace_id}}_id_{{creator_id_or_brand_id}}", {"workspace_id": "w1"}, where="ns")
