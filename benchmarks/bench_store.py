"""Store benchmarks: one edit with its outbox record, bulk chat insert vs sqlite3, FTS query latency.

Run: ``python benchmarks/bench_store.py [--messages 100000]``. Budgets (ARCHITECTURE.md):
edit p99 < 5 ms; bulk insert at most 2.5x slower than plain sqlite3 executemany of the same
rows; FTS query p95 < 20 ms over 100k messages.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _corpus import ZipfText
from _util import summary_ms

from ionflux.core.blocks import Blocks, Geometry
from ionflux.core.chat import Chat
from ionflux.core.clock import new_id, utcnow
from ionflux.core.context import Context
from ionflux.core.demo import seed_demo
from ionflux.core.pages import Pages
from ionflux.core.search import Search
from ionflux.core.store import Store


def bench_edits(n: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        store = Store(Path(d))
        seed = seed_demo(Context(store))
        ctx = Context(store, seed.user_id)
        page = Pages(ctx).create(seed.workspace_id, "Bench")
        blocks = Blocks(ctx)
        block = blocks.create(page.id, "text", {"markdown_text": "start"})
        text = ZipfText(seed=1)
        moves, texts = [], []
        for i in range(n):
            t0 = time.perf_counter()
            blocks.set_geometry({block.id: Geometry(i % 500, i % 300, 320, 200)})
            moves.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            blocks.update_content(block.id, {"markdown_text": text.sentence()})
            texts.append(time.perf_counter() - t0)
        print(f"edit: move a block (row + outbox)            {summary_ms(moves)}")
        print(f"edit: change a text block (row + outbox + FTS) {summary_ms(texts)}")
        store.close()


def bench_bulk(n: int) -> Store:
    corpus = ZipfText(seed=2)
    texts = [corpus.sentence() for _ in range(n)]

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
    corpus = ZipfText(seed=3)
    times = []
    for _ in range(queries):
        q = corpus.query()
        t0 = time.perf_counter()
        Search(ctx).query(q, limit=20)
        times.append(time.perf_counter() - t0)
    print(f"search: typical queries (1-3 content words), top 20 with snippets  {summary_ms(times)}")
    worst = []
    for q in ["order", "the", "customer cart", "o"]:
        for _ in range(10):
            t0 = time.perf_counter()
            Search(ctx).query(q, limit=20)
            worst.append(time.perf_counter() - t0)
    print(f"search: very common words and 1-letter prefixes (worst cases)     {summary_ms(worst)}")


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
    main()
