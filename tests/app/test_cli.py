"""The `ionflux` console script, run as a user would run it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

IONFLUX = str(Path(sys.executable).with_name("ionflux"))


def run(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("IONFLUX_")}
    full_env.update(env or {})
    cmd = [IONFLUX, *args] + (["--data-dir", str(data_dir)] if data_dir else [])
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, input=stdin, timeout=120)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cli") / "data"
    assert run("seed-demo", data_dir=d).returncode == 0
    return d


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("ionflux ")
    out = run("--help").stdout
    for word in ("seed-demo", "workspace", "page", "chat", "search", "export", "import", "--data-dir"):
        assert word in out
    for group in (["page", "create"], ["chat", "post"], ["workspace", "show"], ["search"], ["export"]):
        res = run(*group, "--help")
        assert res.returncode == 0 and "--data-dir" in res.stdout


def test_seed_demo_twice_and_lists(seeded: Path) -> None:
    again = run("seed-demo", data_dir=seeded)
    assert again.returncode == 0 and "nothing to add" in again.stdout
    assert run("workspace", "list", data_dir=seeded).stdout.strip() == "Demo Workspace"
    data = json.loads(run("workspace", "list", "--json", data_dir=seeded).stdout)
    assert [w["name"] for w in data] == ["Demo Workspace"]
    show = run("workspace", "show", "Demo Workspace", data_dir=seeded).stdout
    assert "#alerts, #general" in show and "America/New_York" in show


def test_pages_chat_and_search(seeded: Path) -> None:
    res = run("page", "create", "--workspace", "Demo Workspace", "Black Friday", "--parent", "Q4 Campaign Planning",
              data_dir=seeded)
    assert res.returncode == 0, res.stderr
    assert run("page", "list", "--workspace", "Demo Workspace", data_dir=seeded).stdout.splitlines() == [
        "Q4 Campaign Planning", "  Black Friday"]
    assert run("chat", "post", "--workspace", "Demo Workspace", "--channel", "general", "doorbusters at 6am",
               data_dir=seeded).returncode == 0
    listing = run("chat", "list", "--workspace", "Demo Workspace", "--channel", "general", data_dir=seeded).stdout
    assert "Demo User: doorbusters at 6am" in listing
    hits = json.loads(run("search", "doorbust", "--json", data_dir=seeded).stdout)
    assert [h["kind"] for h in hits] == ["message"]


def test_data_dir_from_the_environment(tmp_path: Path) -> None:
    env = {"IONFLUX_DATA_DIR": str(tmp_path / "envdir")}
    assert run("seed-demo", env=env).returncode == 0
    assert (tmp_path / "envdir" / "ionflux.db").exists()
    assert run("workspace", "list", env=env).stdout.strip() == "Demo Workspace"


@pytest.mark.parametrize(("args", "message"), [
    (["page", "list", "--workspace", "Nope"], "no workspace named 'Nope'"),
    (["chat", "post", "--channel", "random", "hi"], "no channel #random"),
    (["page", "create", ""], "title: must not be empty"),
    (["search", "***"], "at least one word"),
    (["import", "/nonexistent/file.json"], "no such file"),
])
def test_user_mistakes_are_one_line_without_traceback(seeded: Path, args: list[str], message: str) -> None:
    res = run(*args, data_dir=seeded)
    assert res.returncode == 1
    assert message in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr


def test_bad_json_import_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "ionflux.workspace-export",\n "format_version": 1,\n oops}\n')
    res = run("import", str(bad), data_dir=tmp_path / "d")
    assert res.returncode == 1 and f"{bad}:3:" in res.stderr and "Traceback" not in res.stderr


def test_export_import_round_trip_is_identical(seeded: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run("export", "--workspace", "Demo Workspace", str(first), data_dir=seeded).returncode == 0
    empty = tmp_path / "empty"
    assert run("import", str(first), data_dir=empty).returncode == 0
    assert run("export", "--workspace", "Demo Workspace", str(second), data_dir=empty).returncode == 0
    assert first.read_bytes() == second.read_bytes()


def test_corrupt_database_is_a_clear_error_and_untouched(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "ionflux.db").write_bytes(b"definitely not sqlite" * 50)
    res = run("workspace", "list", data_dir=d)
    assert res.returncode == 1 and "not an SQLite database" in res.stderr and "Traceback" not in res.stderr
    assert (d / "ionflux.db").read_bytes() == b"definitely not sqlite" * 50


def test_secrets_go_to_the_keyring_never_to_sqlite(tmp_path: Path) -> None:
    d = tmp_path / "d"
    res = run("secret", "set", "sendgrid", data_dir=d, env={"IONFLUX_SECRET_VALUE": "SG.top-secret-value"})
    assert res.returncode == 0, res.stderr
    db = sqlite3.connect(d / "ionflux.db")
    dump = "\n".join(db.iterdump())
    db.close()
    assert "SG.top-secret-value" not in dump
    for log in (d / "logs").glob("*.log*"):
        assert "SG.top-secret-value" not in log.read_text()


def test_window_without_display_is_a_clear_error(seeded: Path) -> None:
    res = run(data_dir=seeded, env={"QT_QPA_PLATFORM": "xcb", "DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert res.returncode == 1 and "no display found" in res.stderr


def test_agents_list_validate_and_run(seeded: Path, tmp_path: Path) -> None:
    listing = json.loads(run("agents", "list", "--json", data_dir=seeded).stdout)
    sentinel = next(a for a in listing if a["id"] == "agent_004_refactored")
    assert sentinel["runnable"] and "incident_analysis_report" in sentinel["outputs"]
    good = tmp_path / "good.yaml"
    good.write_text("inputs:\n  min_order_value_alert_threshold: 250\n")
    assert run("agents", "validate", str(good), "--definition", "agent_004_refactored").returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("inputs:\n  min_order_value_alert_threshold: lots\n  colour: red\ntriggers:\n"
                   "  - trigger_definition_key: health_check_schedule\n    cron_expression: '99 * * * *'\n")
    res = run("agents", "validate", str(bad), "--definition", "agent_004_refactored")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    *problems, summary = res.stderr.strip().splitlines()
    assert [ln.split(":")[3] for ln in problems] == ["2", "3", "6"]  # every problem, in order, with its line
    assert summary.endswith("3 problems in the configuration")
    order = json.dumps({"id": 9001, "name": "#9001", "created_at": "2026-11-20T10:00:00Z", "currency": "USD",
                        "total_price": "480.00", "line_items": [{"quantity": 1, "price": "480.00"}]})
    res = run("run", "EcoThreads Boutique - Sales Sentinel Config", "--input", f"shopify_event_payload={order}",
              "--json", data_dir=seeded)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["status"] == "success" and out["outputs"]["alert_to_brief_butler"]["type"] == "high_value_order"
    assert "[  0%] started" in res.stderr and "[100%] done" in res.stderr
    res = run("run", "EcoThreads Boutique - Sales Sentinel Config", "--input", "shopify_event_payload={broken",
              data_dir=seeded)
    assert res.returncode == 1 and "not valid JSON" in res.stderr and "Traceback" not in res.stderr
    res = run("run", "No Such Agent", data_dir=seeded)
    assert res.returncode == 1 and "no agent configuration named 'No Such Agent'" in res.stderr


def test_sentinel_score_streams_a_csv(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    rows = ["timestamp,value"] + [f"2026-01-01 {h:02d}:{m:02d}:00,{10 + (h % 3)}" for h in range(24) for m in (0, 30)]
    src.write_text("\n".join(rows) + "\n")
    res = run("sentinel", "score", str(src), str(tmp_path / "out.csv"), data_dir=tmp_path / "d")
    assert res.returncode == 0, res.stderr
    out = (tmp_path / "out.csv").read_text().splitlines()
    assert out[0] == "timestamp,value,anomaly_score" and len(out) == len(rows)
    assert all(0.0 <= float(line.split(",")[2]) <= 1.0 for line in out[1:])


def test_a_brand_is_shown_as_yaml_edited_and_saved(seeded: Path, tmp_path: Path) -> None:
    assert run("brand", "list", data_dir=seeded).stdout.strip() == "EcoThreads Boutique"
    assert run("creator", "list", data_dir=seeded).stdout.strip() == "Maya Reyes"
    form = tmp_path / "brand.yaml"
    form.write_text(run("brand", "show", "ecothreads boutique", data_dir=seeded).stdout)
    form.write_text(form.read_text().replace("industry: Sustainable fashion", "industry: Slow fashion"))
    saved = run("brand", "save", "EcoThreads Boutique", str(form), data_dir=seeded)
    assert saved.returncode == 0 and saved.stdout.strip() == "Saved brand EcoThreads Boutique."
    assert "industry: Slow fashion\n" in run("brand", "show", "EcoThreads Boutique", data_dir=seeded).stdout
    lines = form.read_text().splitlines()
    line = next(i for i, row in enumerate(lines, 1) if "'#7BA05B'" in row)
    form.write_text(form.read_text().replace("'#7BA05B'", "sage").replace("Slow fashion", "Fast fashion"))
    refused = run("brand", "save", "EcoThreads Boutique", str(form), data_dir=seeded)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"{form}:{line}:5: visual_identity_assets_json.color_palette_array[1]: 'sage' is not a hex colour" \
        in refused.stderr
    assert "industry: Slow fashion\n" in run("brand", "show", "EcoThreads Boutique", data_dir=seeded).stdout
    missing = run("creator", "show", "Nobody", data_dir=seeded)
    assert missing.returncode == 1 and "no creator named 'Nobody'" in missing.stderr


def test_a_prompt_is_shown_as_yaml_and_saved_as_its_next_version(seeded: Path, tmp_path: Path) -> None:
    listed = json.loads(run("prompt", "list", "--json", data_dir=seeded).stdout)
    before = next(r["version"] for r in listed if r["name"] == "Exciting Product Promotion")
    form = tmp_path / "prompt.yaml"
    form.write_text(run("prompt", "show", "Exciting Product Promotion", data_dir=seeded).stdout)
    same = run("prompt", "save", "Exciting Product Promotion", str(form), data_dir=seeded)
    assert same.stdout.strip() == f"Prompt Exciting Product Promotion is unchanged (version {before})."
    form.write_text(form.read_text().replace("Include a call", "End with a call"))
    saved = run("prompt", "save", "Exciting Product Promotion", str(form), data_dir=seeded)
    assert saved.stdout.strip() == f"Saved prompt Exciting Product Promotion as version {before + 1}."
    form.write_text(form.read_text().replace("{{call_to_action}}", "{{cta}}"))
    refused = run("prompt", "save", "Exciting Product Promotion", str(form), data_dir=seeded)
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert "prompt_text: placeholder {{cta}} is not declared" in refused.stderr and f"{form}:4:" in refused.stderr
