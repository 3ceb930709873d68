"""The weekly persona evolution report: how this week's content compares with the fingerprint and before.

Every analysed text leaves a small record (time, scores, style features, the first words). The
report compares the last 7 days with the 4 weeks before and with the fingerprint: a feature whose
weekly mean sits more than 2 of the fingerprint's spreads from the persona's usual is *drifting*;
a weekly authenticity below the threshold is *off voice*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from statistics import mean
from typing import Any

from ionflux.agents.persona_guardian.fingerprint import Fingerprint, Score, feature_z
from ionflux.agents.persona_guardian.stylometry import FEATURES, LABELS
from ionflux.core.clock import as_utc

MAX_RECORDS = 1000
KEEP_DAYS = 180
#: A weekly mean this many per-text spreads from the persona's usual is drifting: a shift a reader of the
#: week's posts would notice (samples of one voice vary by up to ~1.5 between weeks in our data).
DRIFT_Z = 2.0


def record(at: datetime, text: str, result: Score) -> dict[str, Any]:
    """What the history keeps of one analysed text."""
    return {"at": at.isoformat(), "authenticity": result.authenticity,
            "similarity": round(result.embedding_similarity, 4), "banned": result.banned_hits,
            "features": {k: round(v, 4) for k, v in result.features.items()}, "excerpt": text.strip()[:100]}


def append(history: Sequence[Mapping[str, Any]], entry: Mapping[str, Any], now: datetime) -> list[dict[str, Any]]:
    """The history with ``entry`` added, older records and the excess dropped."""
    cutoff = (as_utc(now) - timedelta(days=KEEP_DAYS)).isoformat()
    kept = [dict(h) for h in history if h["at"] >= cutoff]
    return [*kept, dict(entry)][-MAX_RECORDS:]


def _window(history: Sequence[Mapping[str, Any]], start: datetime, end: datetime) -> list[Mapping[str, Any]]:
    return [h for h in history if start.isoformat() < h["at"] <= end.isoformat()]


def drift(fp: Fingerprint, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Features whose mean over ``records`` is far from the persona's usual, farthest first."""
    out = []
    for name in FEATURES:
        values = [r["features"][name] for r in records if name in r.get("features", {})]
        if not values:
            continue
        z = feature_z(fp, name, mean(values))
        if abs(z) > DRIFT_Z:
            label, unit = LABELS[name]
            out.append({"feature": name, "label": label, "unit": unit, "week_mean": round(mean(values), 3),
                        "persona_mean": round(fp.feature_means[name], 3), "z": round(z, 1)})
    return sorted(out, key=lambda d: -abs(d["z"]))


def _avg(records: Sequence[Mapping[str, Any]], key: str) -> float | None:
    values = [r[key] for r in records if r.get(key) is not None]
    return round(mean(values), 3) if values else None


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def report(name: str, fp: Fingerprint | None, history: Sequence[Mapping[str, Any]], now: datetime,
           threshold: float) -> str:
    """The weekly report in markdown."""
    now = as_utc(now)
    week = _window(history, now - timedelta(days=7), now)
    before = _window(history, now - timedelta(days=35), now - timedelta(days=7))
    lines = [f"# Persona evolution — {name}", "", f"_Week ending {now.date().isoformat()}. "
             f"{len(week)} text(s) analysed this week, {len(before)} in the 4 weeks before._", ""]
    if fp is None:
        return "\n".join([*lines, "No fingerprint yet: give `persona_sample_texts` (texts written in this voice) "
                          "so the guardian knows what the voice is.", ""])
    lines += [f"Fingerprint: {fp.samples} sample text(s); {len(fp.banned)} banned term(s).", ""]
    if not week:
        lines += ["No content was analysed this week, so there is no drift to measure.", ""]
        return "\n".join(lines)
    auth_week, auth_before = _avg(week, "authenticity"), _avg(before, "authenticity")
    moved = drift(fp, week)
    below = [r for r in week if r["authenticity"] < threshold]
    verdict = "**Off voice**" if auth_week is not None and auth_week < threshold else \
        "**Drifting**" if moved else "**Consistent**"
    lines += [f"Verdict: {verdict}.", "", "| Signal | Persona | Previous 4 weeks | This week |", "|---|---:|---:|---:|",
              f"| Authenticity | — | {_fmt(auth_before)} | {_fmt(auth_week)} |",
              f"| Similarity to samples | {fp.loo_mean:.2f} | {_fmt(_avg(before, 'similarity'))} | "
              f"{_fmt(_avg(week, 'similarity'))} |"]
    for name_ in FEATURES:
        prev = [r["features"][name_] for r in before if name_ in r.get("features", {})]
        this = [r["features"][name_] for r in week if name_ in r.get("features", {})]
        lines.append(f"| {LABELS[name_][0]} | {fp.feature_means[name_]:.2f} | {_fmt(mean(prev) if prev else None)} | "
                     f"{_fmt(mean(this) if this else None)} |")
    lines.append("")
    if moved:
        lines += ["## Drift", ""]
        lines += [f"- {d['label']}: {d['week_mean']:.2f} {d['unit']} this week against {d['persona_mean']:.2f} "
                  f"usually ({abs(d['z']):.1f} spreads {'above' if d['z'] > 0 else 'below'})" for d in moved]
        lines.append("")
    if auth_week is not None and auth_before is not None and abs(auth_week - auth_before) >= 0.05:
        way = "up" if auth_week > auth_before else "down"
        lines += [f"Authenticity is {way} {abs(auth_week - auth_before):.2f} on the previous weeks.", ""]
    if below:
        lines += [f"## Below the threshold ({threshold:.2f})", ""]
        lines += [f"- {r['authenticity']:.2f}: “{r['excerpt']}”" for r in below[:5]]
        lines.append("")
    banned = sorted({b for r in week for b in r.get("banned") or []})
    if banned:
        lines += [f"Banned terms used this week: {', '.join(banned)}.", ""]
    return "\n".join(lines)
