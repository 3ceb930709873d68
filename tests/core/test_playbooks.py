import uuid

import pytest

from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, ValidationError
from ionflux.core.playbooks import Playbooks, parse_yaml, to_yaml

TRIGGER = {"source_service": "ShopifyIntegrationService", "event_type": "shopify.abandoned_cart.created",
           "filter_conditions_json": {"cart_value_gt": 100}}


def _step(sid: str, *, delay: int = 0, default: str | None = None, conds: list | None = None) -> dict:
    return {"step_id": sid, "step_name": sid.title(), "delay_seconds": delay, "action_type": "send_email",
            "action_config_json": {}, "next_step_conditions_json_array": conds or [], "default_next_step_id": default}


def test_valid_branching_playbook(demo: Context, demo_ws: uuid.UUID) -> None:
    steps = [
        _step("wa", default="wait", conds=[{"condition_on_output_key": "recovered", "operator": "eq", "value": True,
                                             "next_step_id": "done"}]),
        _step("wait", delay=3600, default="email"),
        _step("email"),
        _step("done"),
    ]
    pb = Playbooks(demo).create(demo_ws, "Cart Rescue", TRIGGER, steps)
    assert pb.status.value == "draft"
    assert pb.performance_metrics_json["total_triggered"] == 0


def test_unknown_next_step_is_an_error(demo: Context, demo_ws: uuid.UUID) -> None:
    with pytest.raises(ValidationError) as err:
        Playbooks(demo).create(demo_ws, "X", TRIGGER, [_step("a", default="ghost")])
    assert err.value.where == "steps_json_array[0].default_next_step_id"


def test_cycle_without_delay_is_an_error_but_a_delayed_cycle_is_fine(demo: Context, demo_ws: uuid.UUID) -> None:
    with pytest.raises(ValidationError, match="loop with no delay"):
        Playbooks(demo).create(demo_ws, "Spin", TRIGGER, [_step("a", default="b"), _step("b", default="a")])
    Playbooks(demo).create(demo_ws, "Nag daily", TRIGGER, [_step("a", default="b"), _step("b", delay=86400,
                                                                                          default="a")])


@pytest.mark.parametrize(("steps", "where"), [
    ([], "steps_json_array"),
    ([{**_step("a"), "action_type": "send_fax"}], "steps_json_array[0].action_type"),
    ([_step("a"), _step("a")], "steps_json_array[1].step_id"),
    ([{**_step("a"), "delay_seconds": -5}], "steps_json_array[0].delay_seconds"),
    ([_step("a", conds=[{"condition_on_output_key": "x", "operator": "like", "next_step_id": "a"}])],
     "steps_json_array[0].next_step_conditions_json_array[0].operator"),
])
def test_bad_steps(demo: Context, demo_ws: uuid.UUID, steps: list, where: str) -> None:
    with pytest.raises(ValidationError) as err:
        Playbooks(demo).create(demo_ws, "Bad", TRIGGER, steps)
    assert err.value.where == where


def test_yaml_form_round_trips_and_saves(demo: Context, demo_ws: uuid.UUID) -> None:
    books = Playbooks(demo)
    pb = books.find(demo_ws, "Abandoned Cart Recovery")
    text = to_yaml(pb)
    assert parse_yaml(text)["steps_json_array"] == pb.steps_json_array
    books.save_yaml(pb.id, text.replace("Abandoned Cart Recovery", "Cart Rescue", 1))
    assert books.get(pb.id).name == "Cart Rescue"


def test_yaml_errors_name_line_column_and_field(demo: Context, demo_ws: uuid.UUID) -> None:
    books = Playbooks(demo)
    pb = books.find(demo_ws, "Abandoned Cart Recovery")
    text = to_yaml(pb)
    bad = text.replace("action_type: send_email", "action_type: send_fax", 1)
    line = next(i for i, row in enumerate(bad.splitlines(), 1) if "send_fax" in row)
    with pytest.raises(ValidationError) as err:
        books.save_yaml(pb.id, bad, "cart.yaml")
    assert err.value.where == f"cart.yaml:{line}:{bad.splitlines()[line - 1].index('action_type') + 1}"
    assert err.value.message.startswith("steps_json_array[") and "send_fax" in err.value.message
    assert books.get(pb.id).steps_json_array == pb.steps_json_array  # nothing applied
    with pytest.raises(ValidationError) as err:
        parse_yaml(text + "colour: blue\n", "cart.yaml")
    assert err.value.where == f"cart.yaml:{len(text.splitlines()) + 1}:1"
    with pytest.raises(ValidationError) as err:
        parse_yaml("name: [unclosed\n", "cart.yaml")
    assert err.value.where.startswith("cart.yaml:")


def test_yaml_without_status_keeps_it_and_names_stay_unique(demo: Context, demo_ws: uuid.UUID) -> None:
    books = Playbooks(demo)
    pb = books.find(demo_ws, "Abandoned Cart Recovery")
    assert pb.status.value == "active"
    text = "\n".join(line for line in to_yaml(pb).splitlines() if not line.startswith("status:"))
    books.save_yaml(pb.id, text)
    assert books.get(pb.id).status.value == "active"
    other = books.create(demo_ws, "Win-back", TRIGGER, [_step("a")])
    with pytest.raises(ConflictError, match="already has a playbook named 'Abandoned Cart Recovery'"):
        books.save_yaml(other.id, to_yaml(pb))
    with pytest.raises(ConflictError):
        books.create(demo_ws, "Win-back", TRIGGER, [_step("a")])
    assert books.get(other.id).name == "Win-back"
