"""Long randomized sync soak: the convergence property tests with many seeds and steps.

Run: ``python benchmarks/soak_sync.py [--seeds 50] [--steps 400] [--first 1000]``. Uses the machine's
PostgreSQL and its own tansu broker (like the tests). A failing seed is printed by pytest; add it
to SEEDS in ``tests/sync/test_fuzz_backend.py`` (or ``test_fuzz_local.py``) as a fixed case.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--first", type=int, default=1000, help="the first seed")
    args = ap.parse_args()
    seeds = ",".join(str(s) for s in range(args.first, args.first + args.seeds))
    env = {**os.environ, "SYNC_FUZZ_SEEDS": seeds, "SYNC_FUZZ_STEPS": str(args.steps), "FUZZ_SEEDS": seeds}
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                            "tests/sync/test_fuzz_local.py", "tests/sync/test_fuzz_backend.py"], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
