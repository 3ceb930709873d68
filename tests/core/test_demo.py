import uuid
from pathlib import Path

from sqlalchemy import func, select

from ionflux.core import models as m
from ionflux.core.context import Context
from ionflux.core.demo import seed_demo
from ionflux.core.store import Store
from ionflux.core.users import Users

TABLES = [m.User, m.Workspace, m.AgentDefinition, m.AgentConfiguration, m.PromptLibrary, m.Prompt, m.CanvasPage,
          m.CanvasBlock, m.ChatChannel, m.ChatMessage, m.Playbook, m.Brand, m.Creator]


def _counts(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}


def test_seed_is_idempotent_and_complete(demo: Context) -> None:
    before = _counts(demo.store)
    assert before == {"users": 1, "workspaces": 1, "agent_definitions": 4, "agent_configurations": 4,
                      "prompt_libraries": 1, "prompts": 1, "canvas_pages": 1, "canvas_blocks": 2,
                      "chat_channels": 2, "chat_messages": 1, "playbooks": 1,
                      "brands": 1, "creators": 1}
    assert seed_demo(Context(demo.store)).created == {}
    assert _counts(demo.store) == before


def test_demo_user_signs_in_with_demo_and_prefers_dark(demo: Context) -> None:
    user = Users(demo).authenticate("demo@ionflux.ai", "demo")
    assert user.profile_info_json["user_preferences_json"]["theme"] == "dark"
    assert user.password_hash.startswith("$argon2id$")


def test_demo_password_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("IONFLUX_DEMO_PASSWORD", "s3cret-demo")
    store = Store(tmp_path / "d")
    seed_demo(Context(store))
    assert Users(Context(store)).authenticate("demo@ionflux.ai", "s3cret-demo")
    store.close()


def test_workspace_settings_match_the_seed(demo: Context, demo_ws: uuid.UUID) -> None:
    with demo.store.read() as s:
        ws = s.get(m.Workspace, demo_ws)
    assert ws.settings_json["default_llm_config"] == {"provider": "openai", "model": "gpt-4o"}
    assert ws.settings_json["default_timezone"] == "America/New_York"
    assert ws.settings_json["generic_secrets_config_json"] == {
        "my_sendgrid_key": "projects/ionflux-demo/secrets/sendgrid_demo_ws/versions/latest"}
