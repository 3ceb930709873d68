import pytest

from ionflux.core.definitions import check_definition, shipped_definitions
from ionflux.core.errors import ValidationError


def test_the_four_seed_agents_ship_with_every_field() -> None:
    defs = {d["id"]: d for d in shipped_definitions()}
    assert set(defs) == {"agent_001", "agent_004_refactored", "agent_008_refactored", "agent_010_refactored"}
    sentinel = defs["agent_004_refactored"]
    assert sentinel["name"] == "Shopify Sales Sentinel v2" and sentinel["version"] == "0.2"
    assert sentinel["memory_config_json"]["default_namespace_template"] == "sentinel_rc_embeddings_ws_{{workspace_id}}"
    assert [t["type"] for t in sentinel["triggers_config_json_array"]] == ["event_stream", "event_stream", "schedule"]
    assert sentinel["prm_details_json"]["essence_punch_text"].startswith("Checkout que trava")
    assert sentinel["category_tags_array"] == ["E-commerce", "Monitoring", "Automation", "Analytics", "Shopify"]
    assert "├── anomaly.py" in sentinel["deployment_info_json"]["default_file_structure_template_text"]
    guardian = defs["agent_008_refactored"]
    assert [o["key_name"] for o in guardian["outputs_config_json_array"]] == [
        "authenticity_score", "resonance_score_predicted", "repaired_content_suggestions_json",
        "persona_evolution_report_md"]
    for d in defs.values():
        assert {"stack_details_json", "deployment_info_json", "memory_config_json",
                "underlying_platform_services_required_array"} <= set(d)


@pytest.mark.parametrize(("data", "match"), [
    ({"id": "a", "name": "A", "version": "1", "surprise": 1}, "unknown fields"),
    ({"id": "a", "name": "A"}, "version"),
    ({"id": "a", "name": "A", "version": "1", "triggers_config_json_array": [{"type": "telepathy"}]}, "telepathy"),
    ({"id": "a", "name": "A", "version": "1", "inputs_schema_json_array": [{"key_name": "x", "data_type": "blob"}]},
     "blob"),
])
def test_bad_definitions(data: dict, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        check_definition(data, "x.yaml")
