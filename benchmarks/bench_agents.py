"""Benchmarks of the agents' analytic cores: Revenue Tracker orders/s, Persona Guardian AUC and texts/s.

Run from the repository with ``ionflux`` importable::

    python benchmarks/bench_agents.py                 # both
    python benchmarks/bench_agents.py revenue --orders 100000
    python benchmarks/bench_agents.py persona

Numbers are printed, never asserted: timings depend on the machine (2 shared cores here).
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

CURRENCIES = (("USD", 2, 0.70), ("EUR", 2, 0.15), ("JPY", 0, 0.10), ("KWD", 3, 0.05))
GATEWAYS = ("shopify_payments", "paypal", "gift_card", "stripe")
SKUS = [f"SKU-{i:04d}" for i in range(400)]


def make_orders(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """``n`` Shopify-shaped orders over 60 days, in four currencies, with discounts, refunds and a few duplicates."""
    rng = random.Random(seed)
    start = datetime(2024, 9, 1, tzinfo=UTC)
    orders = []
    for i in range(n):
        cur, units, _ = rng.choices(CURRENCIES, weights=[c[2] for c in CURRENCIES])[0]
        scale = {0: 150, 2: 1, 3: 0.3}[units]
        lines, gross = [], Decimal(0)
        for _ in range(rng.randint(1, 4)):
            price = round(Decimal(str(rng.uniform(8, 120) * scale)), units)
            qty = rng.randint(1, 3)
            lines.append({"sku": rng.choice(SKUS), "title": "Item", "price": str(price), "quantity": qty,
                          "total_discount": "0", "product_id": rng.randint(1, 400), "variant_id": rng.randint(1, 900)})
            gross += price * qty
        discount = round(gross * Decimal(rng.choice(("0", "0", "0.1", "0.2"))), units)
        shipping = round(Decimal(str(5 * scale)), units) if rng.random() < 0.6 else Decimal(0)
        tax = round((gross - discount) * Decimal("0.08"), units)
        total = gross - discount + shipping + tax
        created = start + timedelta(seconds=rng.randint(0, 60 * 86400))
        refund = {"kind": "refund", "status": "success", "amount": str(round(total / 3, units))}
        refunds = [{"transactions": [refund]}] if rng.random() < 0.05 else []
        orders.append({"id": 1_000_000 + i, "name": f"#{1000 + i}", "currency": cur, "created_at": created.isoformat(),
                       "updated_at": created.isoformat(), "total_price": str(total),
                       "subtotal_price": str(gross - discount), "total_discounts": str(discount), "total_tax": str(tax),
                       "payment_gateway_names": [rng.choice(GATEWAYS)], "line_items": lines,
                       "shipping_lines": [{"price": str(shipping)}] if shipping else [], "refunds": refunds})
    return orders


def bench_revenue(n: int) -> None:
    from ionflux.agents.revenue_tracker.costs import parse_costs
    from ionflux.agents.revenue_tracker.ledger import Ledger, ingest_many
    from ionflux.agents.revenue_tracker.margin import order_margin
    from ionflux.agents.revenue_tracker.totals import by_day
    from ionflux.core.commerce import normalise_order

    rng = random.Random(2)
    costs = parse_costs({"cogs_per_sku": {s: {"USD": f"{rng.uniform(3, 40):.2f}", "EUR": f"{rng.uniform(3, 40):.2f}",
                                               "JPY": str(rng.randint(400, 6000))} for s in SKUS},
                         "default_cogs_rate": "0.4", "currency": "USD", "marketing_cost_per_order": "2.50",
                         "marketing_cost_rate": "0.04"},
                        {"currency": "USD", "default": {"rate": "0.029", "fixed": {"USD": "0.30", "EUR": "0.25"}},
                         "paypal": {"rate": "0.0349", "fixed": {"USD": "0.49", "JPY": "40"}}})
    t0 = time.perf_counter()
    orders = make_orders(n)
    orders += orders[: n // 100]  # 1% re-deliveries, recognised as duplicates
    print(f"generated {len(orders):,} orders in {time.perf_counter() - t0:.1f} s")

    state: dict[str, Any] = {}
    ledger = Ledger(state.get, state.__setitem__)
    t0 = time.perf_counter()
    report, margins = ingest_many(ledger, orders, costs)
    ingest_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ledger.flush()
    flush_s = time.perf_counter() - t0
    print(f"ledger ingest (validate + dedupe + margin): {len(orders) / ingest_s:,.0f} orders/s "
          f"({len(orders):,} in {ingest_s:.2f} s; accepted {len(report.accepted):,}, duplicates "
          f"{len(report.duplicates):,}, rejected {len(report.rejected)}); state flush {flush_s:.2f} s")

    t0 = time.perf_counter()
    values = [normalise_order(o) for o in orders[:n]]
    normalise_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for v in values:
        order_margin(v, costs)
    margin_s = time.perf_counter() - t0
    print(f"of which core's Shopify validation (normalise_order): {n / normalise_s:,.0f} orders/s; "
          f"the margin itself (already normalised): {n / margin_s:,.0f} orders/s")

    import zoneinfo

    t0 = time.perf_counter()
    days = by_day(margins, zoneinfo.ZoneInfo("America/New_York"))
    agg_s = time.perf_counter() - t0
    print(f"totals per local day and currency: {len(margins) / agg_s:,.0f} orders/s ({len(days)} days)")


def roc_auc(positives: list[float], negatives: list[float]) -> float:
    """Probability that an in-voice text outscores an out-of-voice one (ties count half)."""
    import numpy as np

    pos, neg = np.asarray(positives)[:, None], np.asarray(negatives)[None, :]
    return float(((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size))


def bench_persona(train_sizes: tuple[int, ...] = (4, 8, 12)) -> None:
    import json

    import numpy as np

    from ionflux.agents.memory.embedder import default_embedder
    from ionflux.agents.persona_guardian.fingerprint import build, score_many
    from ionflux.agents.persona_guardian.stylometry import features

    voices = json.loads((Path(__file__).parent / "data" / "persona_voices.json").read_text())["voices"]
    embedder = default_embedder()
    t0 = time.perf_counter()
    embedder.load()
    print(f"embedder loaded in {time.perf_counter() - t0:.2f} s; {sum(len(v['texts']) for v in voices.values())} "
          f"texts in {len(voices)} voices; held out: texts 12.. of each voice")
    held_out = {name: v["texts"][12:] for name, v in voices.items()}
    for size in train_sizes:
        aucs, pooled_pos, pooled_neg = {}, [], []
        for name, v in voices.items():
            fp = build(name, v["texts"][:size], embedder.embed)
            pos = [s.authenticity for s in score_many(fp, held_out[name], embedder.embed)]
            neg = [s.authenticity for other, texts in held_out.items() if other != name
                   for s in score_many(fp, texts, embedder.embed)]
            aucs[name] = roc_auc(pos, neg)
            pooled_pos += pos
            pooled_neg += neg
        print(f"fingerprint from {size:2d} samples: ROC AUC per voice "
              + ", ".join(f"{k} {v:.3f}" for k, v in aucs.items())
              + f"; mean {np.mean(list(aucs.values())):.3f}; in-voice mean score {np.mean(pooled_pos):.2f}, "
                f"out-of-voice {np.mean(pooled_neg):.2f}")
    fp = build("maya", voices["maya_eco_creator"]["texts"][:12], embedder.embed)
    texts = [t for v in voices.values() for t in v["texts"]] * 10
    t0 = time.perf_counter()
    score_many(fp, texts, embedder.embed)
    total = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in texts:
        features(t)
    style_s = time.perf_counter() - t0
    print(f"scoring (embedding + style + reasons): {len(texts) / total:,.0f} texts/s ({len(texts)} texts, "
          f"{total:.2f} s); style features alone: {len(texts) / style_s:,.0f} texts/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="?", default="all", choices=("all", "revenue", "persona"))
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}")
    if args.which in ("all", "revenue"):
        print("== Revenue Tracker")
        bench_revenue(args.orders)
    if args.which in ("all", "persona"):
        print("== Persona Guardian")
        bench_persona()


if __name__ == "__main__":
    main()
