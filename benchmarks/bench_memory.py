"""Benchmark of the vector memory: embedding throughput and query latency over a large namespace.

Run from the repository with ``ionflux`` importable::

    python benchmarks/bench_memory.py                  # 50,000 items, 200 queries
    python benchmarks/bench_memory.py --items 5000     # quicker

The corpus vectors are computed once by the real model and cached as ``.npy`` (the cache
folder is outside the repository), so later runs build the 50k corpus in seconds. Queries
always go through ``MemoryStore.query`` with a text, as the product does: the query is
embedded on every call and its time is part of the latency.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ionflux.agents.memory import Embedder, MemoryStore

SUBJECTS = """
the checkout page
our spring campaign
the sponsor contract
the weekly analytics report
a customer in Lisbon
the TikTok video
the newsletter
the influencer brief
the invoice for March
the product launch
our Instagram audience
the support queue
the payment provider
the brand guide
the podcast episode
a returning buyer
the discount code
the mobile app
the shipping partner
the YouTube channel
the legal team
the creative agency
our community Discord
the holiday sale
""".splitlines()[1:]
VERBS = """
fails to load
needs approval from
was rescheduled because of
grew faster than
is blocked by
should mention
was compared with
lost followers after
doubled revenue thanks to
is waiting for
complained about
must be reviewed before
was translated for
got flagged by
is cheaper than
""".splitlines()[1:]
OBJECTS = """
the new pricing
a late shipment
the legal review
the summer drop
a broken link
the creator's feedback
last quarter's numbers
the refund policy
a viral comment
the brand colours
the Friday deadline
an expired card
the onboarding email
a duplicate charge
the affiliate program
""".splitlines()[1:]
TAILS = [
    "",
    "",
    "",
    *"""
Please follow up tomorrow.
Nobody has answered yet.
This happened twice this week.
The CEO asked for a summary.
Add it to the next sprint.
Numbers are in the shared sheet.
Keep the tone friendly and short.
Check with finance before replying.
""".splitlines()[1:],
]


def synthetic_texts(count: int, seed: int, sentences_per_text: tuple[int, ...] = (1, 1, 1, 2, 2, 3, 5)) -> list[str]:
    """Varied memory-like notes, tasks and facts: each text has a random count of sentences."""
    rng = random.Random(seed)
    texts = []
    for index in range(count):
        sentences = []
        for _ in range(rng.choice(sentences_per_text)):
            sentence = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
            if rng.random() < 0.3:
                sentence += f" ({rng.randint(2, 99)}% {rng.choice(['up', 'down', 'off', 'done'])})"
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        tail = rng.choice(TAILS)
        texts.append(" ".join([*sentences, tail]).strip() + f" #{index}")
    return texts


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def bench_embedding(embedder: Embedder, count: int, runs: int) -> None:
    workloads = {
        "one sentence": synthetic_texts(count, seed=1, sentences_per_text=(1,)),
        "mixed notes (1-5 sentences)": synthetic_texts(count, seed=1),
    }
    embedder.embed(workloads["one sentence"][:64])  # warm-up: load, allocate
    for label, texts in workloads.items():
        tokens = [len(embedder._tokenizer.encode(t).ids) for t in texts]  # type: ignore[union-attr]
        rates = []
        for _ in range(runs):
            start = time.perf_counter()
            embedder.embed(texts)
            rates.append(count / (time.perf_counter() - start))
        print(
            f"embedding, {label}, median {statistics.median(tokens):.0f} tokens: "
            f"{statistics.median(rates):.0f} texts/s (median of {runs} runs of {count}; "
            f"runs: {', '.join(f'{r:.0f}' for r in rates)})"
        )
    singles = []
    for text in workloads["one sentence"][:200]:
        start = time.perf_counter()
        embedder.embed([text])
        singles.append((time.perf_counter() - start) * 1000)
    print(f"embedding one sentence alone: p50 {percentile(singles, 50):.1f} ms, p95 {percentile(singles, 95):.1f} ms")


def corpus_vectors(embedder: Embedder, texts: list[str], cache_dir: Path) -> np.ndarray:
    """Vectors of the corpus, from the cache when the same texts were embedded before."""
    digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    cache = cache_dir / f"corpus-{embedder.model_id}-{len(texts)}-{digest}.npy"
    if cache.exists():
        print(f"corpus vectors: cached in {cache}")
        return np.load(cache)
    print(f"corpus vectors: embedding {len(texts)} texts once (cached afterwards in {cache_dir}) ...", flush=True)
    start = time.perf_counter()
    vectors = embedder.embed(texts)
    print(f"corpus vectors: {time.perf_counter() - start:.0f} s")
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


def bench_queries(embedder: Embedder, items: int, queries: int, workdir: Path, cache_dir: Path) -> None:
    texts = synthetic_texts(items, seed=2)
    vectors = corpus_vectors(embedder, texts, cache_dir)
    kinds = ["note", "task", "fact", "plan"]
    namespace = "bench/workspace-1/agent-writer"
    with MemoryStore(workdir / "memory", embedder=embedder) as store:
        start = time.perf_counter()
        for first in range(0, items, 1000):
            chunk = slice(first, first + 1000)
            store.add(
                namespace,
                texts[chunk],
                ids=[f"m{i}" for i in range(first, min(first + 1000, items))],
                metadatas=[{"kind": kinds[i % 4], "n": i} for i in range(first, min(first + 1000, items))],
                embeddings=vectors[chunk],
            )
        print(f"store: {store.count(namespace)} items added in {time.perf_counter() - start:.1f} s")
        probes = synthetic_texts(queries + 20, seed=3)
        for text in probes[:20]:  # warm-up
            store.query(namespace, text, k=5)
        for label, where in (("query", None), ("query with where", {"kind": "task"})):
            latencies, embed_only = [], []
            for text in probes[20:]:  # embedding alone is timed alongside, under the same load
                begin = time.perf_counter()
                embedder.embed([text])
                middle = time.perf_counter()
                hits = store.query(namespace, text, k=5, where=where)
                end = time.perf_counter()
                embed_only.append((middle - begin) * 1000)
                latencies.append((end - middle) * 1000)
                assert len(hits) == 5
            print(
                f"{label} over {items} items (k=5, embedding included): p50 {percentile(latencies, 50):.1f} ms, "
                f"p95 {percentile(latencies, 95):.1f} ms, mean {statistics.fmean(latencies):.1f} ms "
                f"(embedding alone: p50 {percentile(embed_only, 50):.1f} ms)"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000, help="items stored for the query benchmark")
    parser.add_argument("--queries", type=int, default=200, help="timed queries")
    parser.add_argument("--embed-texts", type=int, default=1000, help="texts per embedding run")
    parser.add_argument("--runs", type=int, default=5, help="embedding runs (the median is reported)")
    parser.add_argument("--threads", type=int, default=None, help="onnxruntime threads (default: usable cores)")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "ionflux-bench-memory",
        help="where corpus vectors are cached between runs",
    )
    parser.add_argument("--skip-embedding", action="store_true", help="only the query benchmark")
    parser.add_argument("--skip-queries", action="store_true", help="only the embedding benchmark")
    args = parser.parse_args(argv)

    embedder = Embedder(threads=args.threads)
    start = time.perf_counter()
    embedder.load()
    load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"python {platform.python_version()}, {embedder.threads} onnxruntime threads, "
        f"{os.cpu_count()} cpus, load average {load_avg}"
    )
    print(f"model load: {time.perf_counter() - start:.2f} s")
    if not args.skip_embedding:
        bench_embedding(embedder, args.embed_texts, args.runs)
    if not args.skip_queries:
        with tempfile.TemporaryDirectory(prefix="ionflux-bench-") as workdir:
            bench_queries(embedder, args.items, args.queries, Path(workdir), args.cache_dir)
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
