"""The agent runtime's overhead around one local LLM call, against llama-cpp-python called directly.

Run: ``python benchmarks/bench_runtime.py [--runs 9] [--max-tokens 64]``. One side runs an agent
configuration whose agent makes exactly one chat call through ``ctx.llm()`` — so the run log,
effective config, events, metering and retention are all included; the other side calls
``Llama.create_chat_completion`` with the same prompt, settings and seed. Runs alternate and the
medians are compared (budget: runtime ≤ 1.05 × direct wall time).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from llama_cpp import Llama

from ionflux.agents.base import Agent, AgentContext
from ionflux.agents.llm import LocalProvider, Message
from ionflux.agents.llm.local import model_params_override
from ionflux.agents.llm.router import LLMRouter
from ionflux.agents.registry import AgentRegistry
from ionflux.agents.runtime import AgentRuntime
from ionflux.core.agent_configs import AgentConfigs
from ionflux.core.context import Context
from ionflux.core.definitions import sync_definitions
from ionflux.core.demo import seed_demo
from ionflux.core.store import Store

PROMPT = [Message("system", "You are the copywriter of a small online shop."),
          Message("user", "Write a short product description for a hand-made ceramic mug.")]
DEFINITION = {"id": "bench_one_call", "name": "One call", "version": "1",
              "inputs_schema_json_array": [{"key_name": "max_tokens", "data_type": "number", "is_required": False,
                                            "default_value": 64}],
              "outputs_config_json_array": [{"key_name": "text", "data_type": "string"}]}


class OneCall(Agent):
    definition_id = "bench_one_call"

    def run(self, inputs: dict[str, Any], ctx: AgentContext) -> dict[str, Any]:
        c = ctx.llm(None).chat(PROMPT, max_tokens=int(inputs["max_tokens"]), temperature=0.0, seed=1234)
        return {"text": c.text}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    data = Path(tempfile.mkdtemp())
    store = Store(data)
    seed = seed_demo(Context(store))
    ctx = Context(store, seed.user_id)
    registry = AgentRegistry(implementations=[])
    registry.add(DEFINITION, OneCall)
    sync_definitions(Context(store), registry.definitions())
    router = LLMRouter({"llm": {"local_n_threads": args.threads}}, lambda ref: None)
    runtime = AgentRuntime(ctx, registry, router, None, data / "logs")
    config = AgentConfigs(ctx).create(seed.workspace_id, "bench_one_call", "Bench",
                                      f"inputs: {{max_tokens: {args.max_tokens}}}")
    provider: LocalProvider = router.local()
    provider.load()
    with model_params_override(provider.extra_buffers):
        direct = Llama(model_path=str(provider.model_path), n_ctx=provider.n_ctx, n_threads=args.threads,
                       n_threads_batch=args.threads, verbose=False)
    messages = [{"role": m.role, "content": m.content} for m in PROMPT]

    ours, theirs, texts = [], [], set()
    runtime.run(config.id)  # warm both paths once
    direct.create_chat_completion(messages=messages, max_tokens=args.max_tokens, temperature=0.0, seed=1234)
    for _ in range(args.runs):
        t0 = time.perf_counter()
        result = runtime.run(config.id)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        out = direct.create_chat_completion(messages=messages, max_tokens=args.max_tokens, temperature=0.0, seed=1234)
        theirs.append(time.perf_counter() - t0)
        texts.add(result.outputs["text"] == out["choices"][0]["message"]["content"])
    o, t = statistics.median(ours), statistics.median(theirs)
    tokens = result.run.kpi_results_json["completion_tokens"]
    print(f"runtime.run (run log + events + one LLM call): median {o * 1000:.1f} ms")
    print(f"llama-cpp-python direct, same prompt and seed:  median {t * 1000:.1f} ms")
    print(f"ratio runtime/direct = {o / t:.3f} (budget ≤ 1.05); overhead {1000 * (o - t):.1f} ms per run")
    print(f"local generation: {tokens} tokens in {t:.2f} s = {tokens / t:.1f} tokens/s ({args.threads} thread(s))")
    print(f"same text on both sides: {texts == {True}}")
    store.close()


if __name__ == "__main__":
    main()
