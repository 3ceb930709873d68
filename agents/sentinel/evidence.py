"""What changed around an anomaly: app and theme changes, price changes, error spikes — ranked as causes.

Changes arrive as Shopify-style events (``app/installed``, ``app/updated``, ``themes/publish``,
``products/update`` with a price change) and are kept in the agent's change log, and their
descriptions in the Sentinel's memory namespace (embeddings), so an incident can be matched with
what happened inside or just before its window. Ranking is by evidence: time proximity, the kind
of change, the metrics involved, and semantic similarity between the change and the anomaly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from ionflux.core.clock import as_utc

#: How strongly each kind of change explains each kind of metric anomaly (prior belief, 0..1).
PRIORS: dict[str, dict[str, float]] = {
    "app_change": {"orders": 0.7, "gmv": 0.6, "aov": 0.3, "errors": 0.9, "other": 0.5},
    "theme_change": {"orders": 0.7, "gmv": 0.6, "aov": 0.3, "errors": 0.8, "other": 0.5},
    "price_change": {"orders": 0.4, "gmv": 0.8, "aov": 0.95, "errors": 0.1, "other": 0.3},
    "error_spike": {"orders": 0.9, "gmv": 0.8, "aov": 0.3, "errors": 1.0, "other": 0.6},
}
LOOKBACK = timedelta(hours=2)
MAX_LOG = 500


@dataclass(frozen=True)
class Change:
    kind: str
    at: datetime
    description: str
    details: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["at"] = self.at.isoformat()
        return d

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Change:
        return cls(d["kind"], datetime.fromisoformat(d["at"]), d["description"], dict(d.get("details") or {}))


def change_from_event(payload: Mapping[str, Any], previous_prices: Mapping[str, str]) -> Change | None:
    """A Change from a Shopify-style app/theme/product event, or None if it is not one."""
    topic = str(payload.get("topic") or "")
    stamp = payload.get("updated_at") or payload.get("created_at") or payload.get("timestamp")
    try:
        at = as_utc(datetime.fromisoformat(str(stamp).replace("Z", "+00:00")))
    except ValueError:
        return None
    if topic.startswith("app/"):
        name = payload.get("app_name") or payload.get("title") or "an app"
        version = f" {payload['version']}" if payload.get("version") else ""
        verb = {"app/installed": "installed", "app/updated": "updated", "app/uninstalled": "uninstalled"}.get(
            topic, topic.split("/", 1)[1])
        return Change("app_change", at, f"App {name}{version} {verb}", {"topic": topic, "app": name})
    if topic.startswith("themes/"):
        name = payload.get("name") or payload.get("theme_name") or "a theme"
        return Change("theme_change", at, f"Theme {name} published", {"topic": topic, "theme": name})
    if topic == "products/update":
        for variant in payload.get("variants") or []:
            key = str(variant.get("id"))
            old, new = previous_prices.get(key), variant.get("price")
            try:
                if old is not None and new is not None and Decimal(str(new)) != Decimal(str(old)):
                    drop = (Decimal(str(old)) - Decimal(str(new))) / Decimal(str(old)) if Decimal(str(old)) else 0
                    return Change("price_change", at,
                                  f"Price of {payload.get('title', 'a product')} changed from {old} to {new}",
                                  {"variant_id": key, "old_price": str(old), "new_price": str(new),
                                   "relative_drop": float(round(drop, 4))})
            except InvalidOperation:
                return None
    return None


def metric_family(metric: str) -> str:
    if metric == "orders":
        return "orders"
    if metric.startswith("gmv:"):
        return "gmv"
    if metric.startswith("aov:"):
        return "aov"
    if "error" in metric:
        return "errors"
    return "other"


def rank_causes(changes: list[Change], metric: str, window_start: datetime, window_end: datetime,
                similarity: Mapping[str, float] | None = None) -> list[dict[str, Any]]:
    """Candidate causes of an anomaly in ``metric`` during the window, best first, with their evidence score."""
    family = metric_family(metric)
    ranked = []
    for change in changes:
        if change.at > window_end or change.at < window_start - LOOKBACK:
            continue
        inside = change.at >= window_start
        proximity = 1.0 if inside else max(0.0, 1 - (window_start - change.at) / LOOKBACK)
        prior = PRIORS.get(change.kind, {}).get(family, 0.3)
        semantic = (similarity or {}).get(change.description, 0.0)
        score = round(0.55 * prior + 0.3 * proximity + 0.15 * max(0.0, semantic), 4)
        ranked.append({"cause": change.description, "kind": change.kind, "at": change.at.isoformat(),
                       "evidence_score": score, "details": change.details,
                       "why": f"{'inside' if change.at >= window_start else 'shortly before'} the window; "
                              f"{change.kind.replace('_', ' ')}s often move {family}"})
    ranked.sort(key=lambda c: (-c["evidence_score"], c["at"]))
    return ranked
