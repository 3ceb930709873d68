"""The ledger: bad, repeated and stale payloads are reported and never change what is stored."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from rt_orders import COSTS, FEES, line, order, usd_order

from ionflux.agents.revenue_tracker.costs import parse_costs
from ionflux.agents.revenue_tracker.ledger import DAY_PREFIX, INDEX_KEY, IngestReport, Ledger, ingest_many
from ionflux.agents.revenue_tracker.totals import by_currency

COST_MODEL = parse_costs(COSTS, FEES)


@pytest.fixture
def state() -> dict[str, Any]:
    return {}


def ledger_of(state: dict[str, Any]) -> Ledger:
    return Ledger(state.get, lambda k, v: state.__setitem__(k, copy.deepcopy(v)))


def test_orders_are_stored_per_utc_day_with_an_index(state: dict[str, Any]) -> None:
    ledger = ledger_of(state)
    report, margins = ingest_many(ledger, [usd_order(1001), usd_order(1002)], COST_MODEL)
    ledger.flush()
    assert report.accepted == ["1001", "1002"] and len(margins) == 2
    assert set(state[DAY_PREFIX + "2024-11-02"]) == {"1001", "1002"}
    assert state[INDEX_KEY]["orders"]["1001"][0] == "2024-11-02"
    again = ledger_of(state)
    assert [m.contribution for m in again.entries(date(2024, 11, 2), date(2024, 11, 2))] == [Decimal("67.22")] * 2


@pytest.mark.parametrize(("mutate", "where"), [
    (lambda p: p.pop("total_price"), "order 1001: total_price"),
    (lambda p: p.update(currency="XYZ"), "order 1001: currency"),  # looks like a code, is not ISO 4217
    (lambda p: p.update(currency="usd"), "order 1001: currency"),
    (lambda p: p["line_items"][0].update(quantity=-2), "order 1001: line_items[0].quantity"),
    (lambda p: p.update(total_price="abc"), "order 1001: total_price"),
    (lambda p: p.pop("created_at"), "order 1001: created_at"),
    (lambda p: p.pop("id"), "order.id"),
])
def test_bad_payloads_are_rejected_with_the_field_and_leave_the_ledger_alone(state: dict[str, Any], mutate: Any,
                                                                             where: str) -> None:
    ledger = ledger_of(state)
    ingest_many(ledger, [usd_order(1000)], COST_MODEL)
    ledger.flush()
    before = copy.deepcopy(state)
    bad = usd_order(1001)
    mutate(bad)
    ledger = ledger_of(state)
    report, margins = ingest_many(ledger, [bad], COST_MODEL)
    ledger.flush()
    assert margins == [] and report.rejected[0]["where"] == where
    assert state == before


def test_non_objects_are_rejected(state: dict[str, Any]) -> None:
    report, _ = ingest_many(ledger_of(state), ["not an order", 42], COST_MODEL)
    assert [r["where"] for r in report.rejected] == ["order", "order"]


def test_the_same_order_twice_is_a_duplicate_not_double_counted(state: dict[str, Any]) -> None:
    ledger = ledger_of(state)
    report, _ = ingest_many(ledger, [usd_order(1001), usd_order(1001)], COST_MODEL)
    ledger.flush()
    report2, _ = ingest_many(ledger_of(state), [usd_order(1001)], COST_MODEL)
    assert report.accepted == ["1001"] and report.duplicates == ["1001"] and report2.duplicates == ["1001"]
    totals = by_currency(ledger_of(state).entries(date(2024, 11, 2), date(2024, 11, 2)))
    assert totals["USD"].orders == 1 and totals["USD"].sums["contribution"] == Decimal("67.22")


def test_a_newer_version_replaces_the_entry_and_an_older_one_is_stale(state: dict[str, Any]) -> None:
    ledger = ledger_of(state)
    ingest_many(ledger, [usd_order(1001, updated="2024-11-02T15:30:00+00:00")], COST_MODEL)
    refunded = usd_order(1001, refunds=["20.00"], updated="2024-11-03T09:00:00+00:00")
    older = usd_order(1001, refunds=["5.00"], updated="2024-11-02T16:00:00+00:00")
    report, _ = ingest_many(ledger, [refunded, older], COST_MODEL)
    ledger.flush()
    assert report.updated == ["1001"] and report.stale == ["1001"]
    (entry,) = ledger_of(state).entries(date(2024, 11, 2), date(2024, 11, 2))
    # the 20.00 refund comes off net revenue and, through the 5% marketing share, off marketing (1.00)
    assert entry.amounts["refunds"] == Decimal("20.00") and entry.contribution == Decimal("67.22") - 20 + 1


def test_different_figures_without_a_newer_update_are_a_conflicting_duplicate(state: dict[str, Any]) -> None:
    ledger = ledger_of(state)
    ingest_many(ledger, [usd_order(1001)], COST_MODEL)
    changed = usd_order(1001)
    changed["total_discounts"] = "0.00"
    report, margins = ingest_many(ledger, [changed], COST_MODEL)
    assert margins == [] and "already in the ledger" in report.rejected[0]["reason"]


def test_an_interrupted_write_is_recovered_from_the_day(state: dict[str, Any]) -> None:
    ledger = ledger_of(state)
    ingest_many(ledger, [usd_order(1001)], COST_MODEL)
    ledger.flush()
    del state[INDEX_KEY]  # the day was written, the index was not
    report, _ = ingest_many(ledger_of(state), [usd_order(1001)], COST_MODEL)
    assert report.duplicates == ["1001"]


def test_test_orders_are_skipped(state: dict[str, Any]) -> None:
    payload = usd_order(1001)
    payload["test"] = True
    report, margins = ingest_many(ledger_of(state), [payload], COST_MODEL)
    assert margins == [] and report.skipped == [{"order_id": "1001", "reason": "a Shopify test order"}]


def test_currencies_are_never_summed(state: dict[str, Any]) -> None:
    ledger = ledger_of(state)
    ingest_many(ledger, [usd_order(1001), order(2001, lines=[line("ECO-TEE-M", "2980", 1)], total="3480",
                                                   shipping="500", currency="JPY", gateway="paypal")], COST_MODEL)
    totals = by_currency(ledger.entries(date(2024, 11, 2), date(2024, 11, 2)))
    assert set(totals) == {"JPY", "USD"}
    assert totals["USD"].to_json()["contribution"] == "67.22" and totals["JPY"].to_json()["contribution"] == "1441"


def test_prune_forgets_old_days(state: dict[str, Any]) -> None:
    ledger = ledger_of(state)
    ingest_many(ledger, [usd_order(1001)], COST_MODEL)
    ledger.flush()
    ledger = ledger_of(state)
    assert ledger.prune(30, date(2025, 1, 1)) == 1
    ledger.flush()
    assert state[DAY_PREFIX + "2024-11-02"] == {} and state[INDEX_KEY]["orders"] == {}


def test_orders_older_than_the_retention_are_not_taken(state: dict[str, Any]) -> None:
    ledger = Ledger(state.get, state.__setitem__, oldest=date(2024, 11, 3))
    report, margins = ingest_many(ledger, [usd_order(1001)], COST_MODEL)
    assert margins == [] and "before the ledger's retention" in report.skipped[0]["reason"]


def test_report_counts(state: dict[str, Any]) -> None:
    report = IngestReport(accepted=["1"], duplicates=["1"], rejected=[{"order_id": "2", "where": "x", "reason": "y"}])
    assert report.to_json()["accepted"] == 1 and report.to_json()["rejected"][0]["order_id"] == "2"
