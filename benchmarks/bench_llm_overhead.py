"""Measure LocalProvider's overhead around one call versus calling llama-cpp-python directly.

Run: ``python benchmarks/bench_llm_overhead.py [--runs 7] [--threads N] [--max-tokens 64]``.
Both sides use the same Llama object settings, prompt and seed (temperature 0), alternate run
by run, and report medians, the provider/direct ratio, and the provider's tokens/s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


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

from llama_cpp import Llama

from ionflux.agents.llm import LocalProvider, Message
from ionflux.agents.llm.local import model_params_override

PROMPT = [Message("system", "You are the copywriter of a small online shop."),
          Message("user", "Write a short product description for a hand-made ceramic mug.")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: all cores)")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()

    provider = LocalProvider(n_threads=args.threads)
    provider.load()
    with model_params_override(provider.extra_buffers):
        direct = Llama(model_path=str(provider.model_path), n_ctx=provider.n_ctx, n_threads=provider.n_threads,
                       n_threads_batch=provider.n_threads, verbose=False)
    messages = [{"role": m.role, "content": m.content} for m in PROMPT]
    options = {"max_tokens": args.max_tokens, "temperature": 0.0, "seed": args.seed}

    def call_direct() -> tuple[float, float, str, int]:
        wall, cpu = time.perf_counter(), time.process_time()
        out = direct.create_chat_completion(messages=messages, **options)
        return (time.perf_counter() - wall, time.process_time() - cpu, out["choices"][0]["message"]["content"],
                out["usage"]["completion_tokens"])

    def call_provider() -> tuple[float, float, str, int]:
        wall, cpu = time.perf_counter(), time.process_time()
        out = provider.chat(PROMPT, **options)
        return time.perf_counter() - wall, time.process_time() - cpu, out.text, out.completion_tokens or 0

    call_direct(), call_provider()  # warm both
    direct_s, provider_s, direct_cpu, provider_cpu, tokens = [], [], [], [], []
    texts = set()
    for _ in range(args.runs):
        d, d_cpu, d_text, _ = call_direct()
        p, p_cpu, p_text, n = call_provider()
        direct_s.append(d)
        provider_s.append(p)
        direct_cpu.append(d_cpu)
        provider_cpu.append(p_cpu)
        tokens.append(n)
        texts.update({d_text, p_text})
    d_med, p_med = statistics.median(direct_s), statistics.median(provider_s)
    cpu_ratio = statistics.median(provider_cpu) / statistics.median(direct_cpu)
    print(f"model={provider.model} threads={provider.n_threads} max_tokens={args.max_tokens} runs={args.runs} "
          f"cores={os.cpu_count()}")
    print(f"direct llama-cpp-python : median {d_med * 1000:.1f} ms  (min {min(direct_s) * 1000:.1f})")
    print(f"LocalProvider.chat      : median {p_med * 1000:.1f} ms  (min {min(provider_s) * 1000:.1f})")
    print(f"overhead ratio provider/direct (median) : {p_med / d_med:.3f}   "
          f"(min/min {min(provider_s) / min(direct_s):.3f})")
    print(f"CPU-time ratio provider/direct (median; steadier when other processes share the cores) : "
          f"{cpu_ratio:.3f}")
    print(f"provider tokens/s (median tokens / median time) : {statistics.median(tokens) / p_med:.1f}")
    print(f"identical text on both sides: {len(texts) == 1}")


if __name__ == "__main__":
    main()
