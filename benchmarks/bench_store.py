"""Store benchmarks: one edit with its outbox record, bulk chat insert vs sqlite3, FTS query latency.

Run: ``python benchmarks/bench_store.py [--messages 100000]``. Budgets (ARCHITECTURE.md):
edit p99 < 5 ms; bulk insert at most 2.5x slower than plain sqlite3 executemany of the same
rows; FTS query p95 < 20 ms over 100k messages.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _util import pct, summary_ms  # noqa: E402

from ionflux.core.blocks import Blocks, Geometry  # noqa: E402
from ionflux.core.chat import Chat  # noqa: E402
from ionflux.core.clock import new_id, utcnow  # noqa: E402
from ionflux.core.context import Context  # noqa: E402
from ionflux.core.demo import seed_demo  # noqa: E402
from ionflux.core.pages import Pages  # noqa: E402
from ionflux.core.search import Search  # noqa: E402
from ionflux.core.store import Store  # noqa: E402

VOCAB = ("order checkout revenue launch campaign creator brand email discount bundle holiday shipping refund "
         "customer cart conversion anomaly alert traffic video persona margin inventory product price sale "
         "promo influencer tiktok shopify sentinel report weekly daily team review budget forecast growth "
         "retention churn segment cohort funnel landing page banner copy subject line open click reply").split()


def sentence(rng: random.Random) -> str:
    words = [VOCAB[min(int(rng.paretovariate(1.1)) - 1, len(VOCAB) - 1)] if rng.random() < 0.5
             else rng.choice(VOCAB) for _ in range(rng.randint(6, 18))]
    return " ".join(words).capitalize() + "."


def bench_edits(n: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        store = Store(Path(d))
        seed = seed_demo(Context(store))
        ctx = Context(store, seed.user_id)
        page = Pages(ctx).create(seed.workspace_id, "Bench")
        blocks = Blocks(ctx)
        block = blocks.create(page.id, "text", {"markdown_text": "start"})
        rng = random.Random(1)
        moves, texts = [], []
        for i in range(n):
            t0 = time.perf_counter()
            blocks.set_geometry({block.id: Geometry(i % 500, i % 300, 320, 200)})
            moves.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            blocks.update_content(block.id, {"markdown_text": sentence(rng)})
            texts.append(time.perf_counter() - t0)
        print(f"edit: move a block (row + outbox)            {summary_ms(moves)}")
        print(f"edit: change a text block (row + outbox + FTS) {summary_ms(texts)}")
        store.close()


def bench_bulk(n: int) -> Store:
    rng = random.Random(2)
    texts = [sentence(rng) for _ in range(n)]

    d = Path(tempfile.mkdtemp())
    store = Store(d / "ours")
    seed = seed_demo(Context(store))
    ctx = Context(store, seed.user_id)
    chan = Chat(ctx).create_channel(seed.workspace_id, "bulk")
    t0 = time.perf_counter()
    Chat(ctx).post_many(chan.id, texts)
    ours = time.perf_counter() - t0

    base = Store(d / "plain")
    bseed = seed_demo(Context(base))
    bchan = Chat(Context(base, bseed.user_id)).create_channel(bseed.workspace_id, "bulk")
    base.close()
    con = sqlite3.connect(d / "plain" / "ionflux.db", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    sender = seed.user_id.hex
    t0 = time.perf_counter()
    now = utcnow().replace(tzinfo=None).isoformat(" ")
    rows = [(new_id().hex, bchan.id.hex, sender, "user", "text", json.dumps({"text_body": t}), now) for t in texts]
    con.execute("BEGIN")
    con.executemany("INSERT INTO chat_messages (id, channel_id, sender_id, sender_type, content_type, content_json, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("COMMIT")
    plain = time.perf_counter() - t0
    con.close()
    print(f"bulk: {n:,} chat messages via Chat.post_many (rows + outbox + FTS)  {n / ours:,.0f} rows/s "
          f"({ours:.2f} s)")
    print(f"bulk: same rows via sqlite3 executemany (rows + FTS, no outbox)   {n / plain:,.0f} rows/s "
          f"({plain:.2f} s)")
    print(f"bulk: ratio ours/plain = {ours / plain:.2f}x (budget ≤ 2.5x)")
    return store


def bench_search(store: Store, queries: int) -> None:
    ctx = Context(store)
    rng = random.Random(3)
    times = []
    for _ in range(queries):
        q = " ".join(rng.sample(VOCAB, rng.choice([1, 1, 2, 2, 3])))
        t0 = time.perf_counter()
        Search(ctx).query(q, limit=20)
        times.append(time.perf_counter() - t0)
    print(f"search: FTS query over the messages, top 20 with snippets  {summary_ms(times)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args()
    bench_edits(args.edits)
    store = bench_bulk(args.messages)
    bench_search(store, args.queries)
    store.close()


if __name__ == "__main__":
    _ = (statistics, pct, uuid)
    main()
