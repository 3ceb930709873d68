"""Sales Sentinel detector benchmark: NAB scores on a labelled corpus, and streaming throughput.

Run: ``python benchmarks/bench_detector.py [--corpus ../shared/data/nab-dev] [--scorer ../shared/tools/nab_score.py]``
(defaults are beside the checkout, in ``../shared``). Every ``data/<category>/<file>.csv`` of the corpus is
scored row by row with ``score_csv`` into a temporary ``<category>/<file>.csv`` layout, the NAB scorer is run on
it, and its three profile scores are printed. Throughput is the median over several runs of
``AnomalyDetector.update`` over all the corpus points (a synthetic stream when the corpus is absent), with
datetime and with epoch-second timestamps. Nothing is asserted: the numbers are printed.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from ionflux.agents.sentinel.detector import AnomalyDetector
from ionflux.agents.sentinel.scoring import parse_timestamp, score_csv

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PROFILES = ("standard", "reward_low_FP_rate", "reward_low_FN_rate")


def corpus_files(corpus: Path) -> list[Path]:
    return sorted((corpus / "data").glob("*/*.csv"))


def nab_scores(corpus: Path, scorer: Path) -> dict[str, float]:
    files = corpus_files(corpus)
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp)
        rows = 0
        started = time.perf_counter()
        for path in files:
            out = results / path.parent.name / path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            rows += score_csv(path, out)
        elapsed = time.perf_counter() - started
        print(f"scored {len(files)} files, {rows} rows with score_csv in {elapsed:.2f} s "
              f"({rows / elapsed:,.0f} rows/s including CSV parsing and writing)")
        res = subprocess.run([sys.executable, str(scorer), "--corpus", str(corpus), "--results", str(results)],
                             capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise SystemExit(f"scorer failed ({res.returncode}):\n{res.stdout}{res.stderr}")
    scores = {}
    for profile in PROFILES:
        found = re.search(rf"^{profile}: (-?[\d.]+)", res.stdout, re.MULTILINE)
        if found is None:
            raise SystemExit(f"no {profile} score in the scorer's output:\n{res.stdout}")
        scores[profile] = float(found.group(1))
    return scores


def load_streams(corpus: Path) -> list[tuple[list[datetime | float], list[float]]]:
    streams = []
    for path in corpus_files(corpus):
        with path.open(newline="") as f:
            rows = list(csv.DictReader(f))
        streams.append(([parse_timestamp(r["timestamp"]) for r in rows], [float(r["value"]) for r in rows]))
    return streams


def synthetic_streams() -> list[tuple[list[datetime | float], list[float]]]:
    rng = random.Random(0)
    start = datetime(2024, 1, 1)
    times: list[datetime | float] = [start + timedelta(minutes=5 * i) for i in range(50_000)]
    values = [100 + 40 * math.sin(i / 288 * 2 * math.pi) + rng.gauss(0, 5) for i in range(50_000)]
    return [(times, values)]


def epoch_seconds(times: list[datetime | float]) -> list[datetime | float]:
    epoch = datetime(1970, 1, 1)
    return [(t.replace(tzinfo=None) - epoch).total_seconds() if isinstance(t, datetime) else t for t in times]


def throughput(streams: list[tuple[list[datetime | float], list[float]]], runs: int) -> float:
    """Median points per second of ``update`` over all streams (one fresh detector per stream)."""
    points = sum(len(v) for _, v in streams)
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        for times, values in streams:
            update = AnomalyDetector().update
            for t, v in zip(times, values, strict=True):
                update(t, v)
        rates.append(points / (time.perf_counter() - started))
    return statistics.median(rates)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "data" / "nab-dev")
    ap.add_argument("--scorer", type=Path, default=SHARED / "tools" / "nab_score.py")
    ap.add_argument("--runs", type=int, default=5, help="throughput runs (the median is reported)")
    args = ap.parse_args(argv)

    have_corpus = (args.corpus / "labels" / "combined_windows.json").exists() and corpus_files(args.corpus)
    if have_corpus and args.scorer.exists():
        for profile, value in nab_scores(args.corpus, args.scorer).items():
            print(f"NAB {profile}: {value:.2f}")
    else:
        print(f"corpus {args.corpus} or scorer {args.scorer} not found: NAB scores skipped")

    streams = load_streams(args.corpus) if have_corpus else synthetic_streams()
    points = sum(len(v) for _, v in streams)
    as_seconds = [(epoch_seconds(t), v) for t, v in streams]
    print(f"throughput over {points} points, median of {args.runs} runs:")
    print(f"  update(datetime, value):      {throughput(streams, args.runs):,.0f} points/s")
    print(f"  update(epoch seconds, value): {throughput(as_seconds, args.runs):,.0f} points/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
