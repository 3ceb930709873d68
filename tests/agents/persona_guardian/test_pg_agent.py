"""The Persona Guardian through the real runtime: scoring with reasons, repairs, URLs, the weekly report, memory."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from ionflux.agents.runtime import AgentRuntime, RunFailed
from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.context import Context
from ionflux.core.profiles import Brands

VOICES: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "persona_voices.json").read_text())["voices"]
MAYA = VOICES["maya_eco_creator"]
IN_VOICE = MAYA["texts"][20]
OFF_VOICE = VOICES["atelier_verre_maison"]["texts"][20]


def make_config(demo: Context, demo_ws: uuid.UUID, persona: str = "EcoThreads Boutique", **inputs: Any) -> uuid.UUID:
    text = yaml.safe_dump({"inputs": {"creator_id_or_brand_id": persona, "persona_sample_texts": MAYA["texts"][:12],
                                      "use_llm_repair": False, **inputs}})
    return AgentConfigs(demo).create(demo_ws, "agent_008_refactored", f"Persona {uuid.uuid4().hex[:6]}", text).id


@pytest.fixture
def brand(demo: Context, demo_ws: uuid.UUID) -> None:
    brands = Brands(demo)
    eco = next(b for b in brands.list(demo_ws) if b.name == "EcoThreads Boutique")  # the demo's brand
    brands.update(eco.id, brand_voice_guidelines_text=MAYA["guidelines"])


@pytest.fixture
def pages() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/post":
                body, kind = (f"<html><head><script>var x = 1;</script></head><body><nav>Menu</nav>"
                              f"<p>{IN_VOICE}</p></body></html>").encode(), "text/html; charset=utf-8"
            else:
                body, kind = b"\x89PNG fake", "image/png"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_in_voice_content_scores_high_with_reasons(demo: Context, demo_ws: uuid.UUID, brand: None,
                                                   runtime: AgentRuntime) -> None:
    config = make_config(demo, demo_ws)
    result = runtime.run(config, {"content_to_analyze_text": IN_VOICE})
    out = result.outputs
    assert out["authenticity_score"] > 0.6 and 0 <= out["resonance_score_predicted"] <= 1
    details = out["repaired_content_suggestions_json"]
    assert details["persona"] == "EcoThreads Boutique" and details["persona_kind"] == "brand"
    assert details["authenticity"]["in_voice"] and details["suggestions"] == []
    reasons = details["authenticity"]["reasons"]
    assert reasons and all(r["text"] and "effect" in r for r in reasons)
    assert any(r["signal"] == "meaning_and_register" for r in reasons)
    assert details["resonance"]["trained_on_engagement_data"] is False
    assert out["persona_evolution_report_md"] is None
    namespace = result.run.input_params_resolved_json["memory_namespace"]
    assert namespace == f"persona_fingerprints_ws_{demo_ws.hex}_id_EcoThreads Boutique"
    memory = runtime._memory_factory()
    assert memory.count(namespace) >= 13  # the 12 samples and the analysed text (and the centroid when supported)
    hit = memory.query(namespace, IN_VOICE, k=1, where={"kind": "content"})[0]
    assert hit.text == IN_VOICE and hit.score > 0.99


def test_off_voice_content_gets_checked_repairs(demo: Context, demo_ws: uuid.UUID, brand: None,
                                                runtime: AgentRuntime) -> None:
    config = make_config(demo, demo_ws, use_llm_repair=True, max_repair_tokens=60)
    result = runtime.run(config, {"content_to_analyze_text": OFF_VOICE})
    out = result.outputs
    assert out["authenticity_score"] < 0.6
    details = out["repaired_content_suggestions_json"]
    assert not details["authenticity"]["in_voice"]
    assert {r["signal"] for r in details["authenticity"]["reasons"]} & {"formality", "word_length", "sentence_length"}
    sources = [s["source"] for s in details["suggestions"]]
    assert "llm" in sources and set(sources) <= {"llm", "rules"}  # rules only when a rule applies
    for s in details["suggestions"]:  # every suggestion says whether it kept the meaning, and why not if not
        assert s["accepted"] or s["rejected_because"]
        if s["accepted"]:
            assert s["meaning_similarity"] >= 0.8 and s["authenticity_after"] > s["authenticity_before"]
    assert result.run.kpi_results_json["llm_calls"] == 1
    assert "authenticity" in result.run.output_preview_text


def test_the_weekly_run_reports_on_the_weeks_content(demo: Context, demo_ws: uuid.UUID, brand: None,
                                                     runtime: AgentRuntime) -> None:
    config = make_config(demo, demo_ws)
    for text in (IN_VOICE, OFF_VOICE, MAYA["texts"][25]):
        runtime.run(config, {"content_to_analyze_text": text})
    out = runtime.run(config).outputs  # what the weekly schedule does: no content
    report = out["persona_evolution_report_md"]
    assert report.startswith("# Persona evolution — EcoThreads Boutique")
    assert "3 text(s) analysed this week" in report and "Fingerprint: 12 sample text(s)" in report
    assert out["authenticity_score"] is None and out["repaired_content_suggestions_json"] is None


def test_content_from_a_url(demo: Context, demo_ws: uuid.UUID, brand: None, runtime: AgentRuntime,
                            pages: str) -> None:
    config = make_config(demo, demo_ws)
    out = runtime.run(config, {"content_to_analyze_url": f"{pages}/post"}).outputs
    assert out["repaired_content_suggestions_json"]["content_source"] == f"text fetched from {pages}/post"
    assert out["authenticity_score"] > 0.6
    image = runtime.run(config, {"content_to_analyze_url": f"{pages}/photo.png"}).outputs
    assert image["authenticity_score"] is None
    assert "images, video and audio are not analysed" in image["repaired_content_suggestions_json"]["problem"]


def test_a_persona_without_samples_says_what_it_needs(demo: Context, demo_ws: uuid.UUID,
                                                      runtime: AgentRuntime) -> None:
    text = yaml.safe_dump({"inputs": {"creator_id_or_brand_id": "nobody", "use_llm_repair": False}})
    config = AgentConfigs(demo).create(demo_ws, "agent_008_refactored", "Nobody", text).id
    out = runtime.run(config, {"content_to_analyze_text": IN_VOICE}).outputs
    assert out["authenticity_score"] is None and isinstance(out["resonance_score_predicted"], float)
    assert "persona_sample_texts" in out["repaired_content_suggestions_json"]["problem"]
    with pytest.raises(RunFailed, match="persona_sample_texts"):
        runtime.run(config, {"persona_sample_texts": json.dumps([1, 2])})


def test_content_events_are_scored_for_their_own_persona_only(demo: Context, demo_ws: uuid.UUID, brand: None,
                                                               runtime: AgentRuntime) -> None:
    config = make_config(demo, demo_ws)
    mine = {"text": IN_VOICE, "creator_id_or_brand_id": "EcoThreads Boutique",
            "event_type": "ionflux.content_creation_event"}
    out = runtime.run(config, {"content_event": mine}).outputs
    assert out["authenticity_score"] > 0.6
    assert out["repaired_content_suggestions_json"]["content_source"] == "event ionflux.content_creation_event"
    other = runtime.run(config, {"content_event": {**mine, "creator_id_or_brand_id": "someone else"}}).outputs
    assert other["authenticity_score"] is None
    assert "is about 'someone else'" in other["repaired_content_suggestions_json"]["problem"]
