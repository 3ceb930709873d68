"""The margin ledger: one entry per order, kept per UTC day, that bad or repeated payloads never corrupt.

An order enters the ledger only after the whole payload is checked (core's Shopify validation plus
an ISO 4217 currency); a refused payload is reported with the field at fault and changes nothing.
Re-deliveries are recognised by order id: the same figures again are a duplicate (ignored), a newer
``updated_at`` replaces the entry (a refund, a cancellation), an older one is stale (ignored), and
different figures without a newer ``updated_at`` are refused as a conflicting duplicate.

Entries are stored under ``ledger:day:<UTC date>`` keys plus an index of order id → day, so a
webhook run reads and writes one day, not the whole history. Days are written before the index,
and a lookup falls back to the day itself, so an interrupted write can never double-count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ionflux.agents.revenue_tracker.costs import CostModel
from ionflux.agents.revenue_tracker.currency import check_currency
from ionflux.agents.revenue_tracker.margin import OrderMargin, order_margin
from ionflux.core.clock import as_utc
from ionflux.core.commerce import normalise_order
from ionflux.core.errors import ValidationError

DAY_PREFIX = "ledger:day:"
INDEX_KEY = "ledger:index"


@dataclass
class IngestReport:
    """What happened to each payload of a run: counts, and every refusal with its reason."""

    accepted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"accepted": len(self.accepted), "updated": len(self.updated), "duplicates": len(self.duplicates),
                "stale": len(self.stale), "skipped": self.skipped, "rejected": self.rejected}


def fingerprint(values: Mapping[str, Any]) -> str:
    """A digest of an order's normalised figures (its raw payload excluded), to spot exact re-deliveries."""
    body = repr(sorted((k, v) for k, v in values.items() if k != "raw_json"))  # Decimal and datetime reprs are exact
    return hashlib.blake2b(body.encode(), digest_size=10).hexdigest()


def check_payload(payload: Any) -> dict[str, Any]:
    """The normalised order of a payload, or ValidationError naming the field (currency checked against ISO 4217)."""
    values = normalise_order(payload)
    check_currency(values["currency"], f"order {values['shop_order_id']}: currency")
    return values


class Ledger:
    """Reads and writes ledger entries through two callables over the configuration's agent state.

    Args:
        load: ``load(key)`` gives the stored value or None.
        save: ``save(key, value)`` stores it (None clears it).
    """

    def __init__(self, load: Callable[[str], Any], save: Callable[[str, Any], None], *,
                 oldest: date | None = None) -> None:
        self._load, self._save = load, save
        self.oldest = oldest  # orders placed before this UTC day are outside the retention: not taken
        self._index: dict[str, list[str]] | None = None
        self._days: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()

    # -- reading ----------------------------------------------------------------------------

    @property
    def index(self) -> dict[str, list[str]]:
        """Order id → [UTC day, fingerprint, updated_at]."""
        if self._index is None:
            self._index = dict((self._load(INDEX_KEY) or {}).get("orders") or {})
        return self._index

    def day(self, day: str) -> dict[str, Any]:
        """The entries of one UTC day (``"2024-11-02"``), by order id."""
        if day not in self._days:
            self._days[day] = dict(self._load(DAY_PREFIX + day) or {})
        return self._days[day]

    def entries(self, first: date, last: date) -> list[OrderMargin]:
        """Every entry placed on the UTC days ``first``..``last`` (inclusive)."""
        out: list[OrderMargin] = []
        current = first
        while current <= last:
            out.extend(OrderMargin.from_json(e["margin"]) for e in self.day(current.isoformat()).values())
            current += timedelta(days=1)
        return out

    def __contains__(self, order_id: str) -> bool:
        return order_id in self.index

    # -- writing ----------------------------------------------------------------------------

    def ingest(self, payload: Any, costs: CostModel, report: IngestReport) -> OrderMargin | None:
        """Add or update one order from its Shopify payload; returns its margin, or None if it was not taken."""
        oid = str(payload.get("id")) if isinstance(payload, Mapping) else "?"
        try:
            values = check_payload(payload)
        except ValidationError as exc:
            report.rejected.append({"order_id": oid, "where": exc.where or "order", "reason": exc.message})
            return None
        if payload.get("test"):
            report.skipped.append({"order_id": oid, "reason": "a Shopify test order"})
            return None
        return self.ingest_values(values, costs, report, updated_at=str(payload.get("updated_at") or ""))

    def ingest_values(self, values: Mapping[str, Any], costs: CostModel, report: IngestReport, *,
                      updated_at: str = "") -> OrderMargin | None:
        """Like :meth:`ingest` for an order already normalised (from the shop store, say)."""
        oid = str(values["shop_order_id"])
        fp = fingerprint(values)
        day = _utc_day(values["placed_at"])
        if self.oldest is not None and day < self.oldest.isoformat():
            report.skipped.append({"order_id": oid, "reason": f"placed on {day}, before the ledger's retention "
                                                              f"(kept from {self.oldest.isoformat()})"})
            return None
        known = self.index.get(oid)
        if known is None and oid in self.day(day):  # written before an interrupted index update
            entry = self.day(day)[oid]
            known = [day, entry["fingerprint"], entry.get("updated_at") or ""]
        if known is not None:
            if known[1] == fp:
                report.duplicates.append(oid)
                return None
            if updated_at and known[2] and updated_at < known[2]:
                report.stale.append(oid)
                return None
            if not (updated_at and known[2] and updated_at > known[2]):
                report.rejected.append({"order_id": oid, "where": f"order {oid}: updated_at", "reason": (
                    "is already in the ledger with different figures; send it with a later updated_at to "
                    "replace it")})
                return None
        margin = order_margin(values, costs)
        if known is not None and known[0] != day:
            self.day(known[0]).pop(oid, None)
            self._dirty.add(known[0])
        self.day(day)[oid] = {"fingerprint": fp, "updated_at": updated_at, "margin": margin.to_json()}
        self._dirty.add(day)
        self.index[oid] = [day, fp, updated_at]
        (report.updated if known is not None else report.accepted).append(oid)
        return margin

    def prune(self, keep_days: int, today: date) -> int:
        """Forget days older than ``keep_days``; returns how many orders went."""
        cutoff = (today - timedelta(days=keep_days)).isoformat()
        old = {oid for oid, (day, *_rest) in self.index.items() if day < cutoff}
        for day in {self.index[oid][0] for oid in old}:
            self._days[day] = {}
            self._dirty.add(day)
        for oid in old:
            del self.index[oid]
        return len(old)

    def flush(self) -> None:
        """Write the changed days, then the index (see the module docstring for why in that order)."""
        for day in sorted(self._dirty):
            self._save(DAY_PREFIX + day, self._days[day])  # an emptied day stays as {}: state values are never null
        if self._dirty:
            self._save(INDEX_KEY, {"orders": self.index})
        self._dirty.clear()


def _utc_day(moment: datetime) -> str:
    return as_utc(moment).date().isoformat()


def ingest_many(ledger: Ledger, payloads: Iterable[Any], costs: CostModel) -> tuple[IngestReport, list[OrderMargin]]:
    """Ingest a batch of order payloads; returns the report and the margins taken."""
    report, margins = IngestReport(), []
    for payload in payloads:
        margin = ledger.ingest(payload, costs, report)
        if margin is not None:
            margins.append(margin)
    return report, margins
