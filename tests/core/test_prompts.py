import uuid

import pytest

from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, ValidationError
from ionflux.core.prompts import Prompts, render_template


def test_seeded_prompt_renders_with_all_variables(demo: Context, demo_ws: uuid.UUID) -> None:
    p = Prompts(demo).find(demo_ws, "Exciting Product Promotion")
    out = Prompts(demo).render(p.id, {"product_name": "Denim Jacket", "key_benefits": "recycled, warm",
                                      "target_audience": "eco shoppers", "call_to_action": "Shop now"})
    assert "Denim Jacket" in out and "Shop now" in out and "{{" not in out


def test_missing_required_variable_is_a_clear_error(demo: Context, demo_ws: uuid.UUID) -> None:
    p = Prompts(demo).find(demo_ws, "Exciting Product Promotion")
    with pytest.raises(ValidationError) as err:
        Prompts(demo).render(p.id, {"product_name": "X", "key_benefits": "y", "target_audience": "z"})
    assert err.value.where == "variables.call_to_action"


def test_unknown_variable_and_undeclared_placeholder_are_errors() -> None:
    schema = [{"name": "a", "type": "text", "is_required": True}]
    with pytest.raises(ValidationError, match="unknown variable 'b'"):
        render_template("{{a}}", schema, {"a": "1", "b": "2"})
    with pytest.raises(ValidationError, match=r"\{\{c\}\} is not declared"):
        render_template("{{a}} {{c}}", schema, {"a": "1"})


def test_typed_variables_and_defaults() -> None:
    schema = [{"name": "n", "type": "number", "is_required": True}, {"name": "d", "type": "date"},
              {"name": "j", "type": "json_object", "default_value": {"k": 1}}]
    assert render_template("{{n}}|{{d}}|{{j}}", schema, {"n": "42", "d": "2026-11-26"}) == '42|2026-11-26|{"k": 1}'
    with pytest.raises(ValidationError, match="not a number"):
        render_template("{{n}}", schema, {"n": "lots"})
    with pytest.raises(ValidationError, match="not a date"):
        render_template("{{n}}{{d}}", schema, {"n": 1, "d": "tomorrow"})


def test_each_edit_makes_a_new_version(demo: Context, demo_ws: uuid.UUID) -> None:
    prompts = Prompts(demo)
    lib = prompts.create_library(demo_ws, "Social")
    p = prompts.create(lib.id, "Hook", "Write a hook about {{topic}}",
                       variables=[{"name": "topic", "type": "text", "is_required": True}])
    p = prompts.edit(p.id, prompt_text="Write two hooks about {{topic}}")
    p = prompts.edit(p.id, prompt_text="Write three hooks about {{topic}}")
    assert p.version == 3
    assert [v.prompt_text for v in prompts.versions(p.id)] == ["Write a hook about {{topic}}",
                                                                "Write two hooks about {{topic}}"]


def test_edit_introducing_undeclared_placeholder_is_refused_and_changes_nothing(demo: Context,
                                                                                 demo_ws: uuid.UUID) -> None:
    prompts = Prompts(demo)
    p = prompts.find(demo_ws, "Exciting Product Promotion")
    with pytest.raises(ValidationError, match="not declared"):
        prompts.edit(p.id, prompt_text="Now with {{discount_code}}")
    assert prompts.find(demo_ws, "Exciting Product Promotion").version == 1
    assert prompts.versions(p.id) == []


def test_library_names_are_unique_per_workspace(demo: Context, demo_ws: uuid.UUID) -> None:
    with pytest.raises(ConflictError):
        Prompts(demo).create_library(demo_ws, "Marketing Email Prompts")


def test_a_prompt_round_trips_through_its_yaml_form_and_an_edit_is_a_new_version(demo: Context,
                                                                                   demo_ws: uuid.UUID) -> None:
    prompts = Prompts(demo)
    p = prompts.find(demo_ws, "Exciting Product Promotion")
    text = prompts.to_yaml(p)
    assert text.startswith("name: Exciting Product Promotion\nprompt_text: ")
    assert prompts.save_yaml(p.id, text).version == p.version  # nothing changed: no new version
    edited = text.replace("Include a call to", "End with a call to")
    assert edited != text
    saved = prompts.save_yaml(p.id, edited)
    assert saved.version == p.version + 1 and "End with a call to" in saved.prompt_text
    assert [ver.version for ver in prompts.versions(p.id)] == [p.version]
    head, rest = edited.split("prompt_text:", 1)
    multi = head + "prompt_text: |\n  Line one.\n  Line two {{product_name}}.\nvariables_schema_json_array:" + \
        rest.split("variables_schema_json_array:", 1)[1]
    saved = prompts.save_yaml(p.id, multi)
    assert saved.prompt_text == "Line one.\nLine two {{product_name}}."
    assert "prompt_text: |-\n  Line one.\n  Line two {{product_name}}.\n" in prompts.to_yaml(saved)  # stays a block


@pytest.mark.parametrize(("change", "where", "message"), [
    (("{{call_to_action}}", "{{cta}}"), "prompt.yaml:4:73", "prompt_text: placeholder {{cta}} is not declared"),
    (("type: text", "type: colour"), "prompt.yaml:7:3",
     "variables_schema_json_array[0].type: type 'colour' is not one of"),
    (("tags_array: []", "tags_array: []\nmood: sunny"), "prompt.yaml:23:1", "mood: unknown field"),
])
def test_a_bad_prompt_form_names_its_line_and_changes_nothing(
        demo: Context, demo_ws: uuid.UUID, change: tuple[str, str], where: str, message: str) -> None:
    prompts = Prompts(demo)
    p = prompts.find(demo_ws, "Exciting Product Promotion")
    text = prompts.to_yaml(p)
    bad = text.replace(*change, 1)
    assert bad != text
    with pytest.raises(ValidationError) as err:
        prompts.save_yaml(p.id, bad)
    assert (err.value.where, err.value.message[:len(message)]) == (where, message)
    assert prompts.find(demo_ws, "Exciting Product Promotion").version == p.version
