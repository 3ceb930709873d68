"""The merchant's costs (COGS per SKU, payment fees per gateway, shipping, marketing, app fees), checked.

Amounts are exact decimals in a named currency: either ``{"USD": "8.40", "EUR": "7.80"}`` or a
plain ``"8.40"`` in the ``currency`` given at the top of the same JSON. Costs are never converted
between currencies: an order in EUR only uses EUR costs, and a missing one is reported, not guessed
from another currency.

``manual_cost_inputs``::

    currency: USD
    cogs_per_sku: {ECO-TEE-M: "8.40", ECO-JKT-L: {USD: "31.00", EUR: "28.50"}}
    default_cogs_rate: "0.35"          # optional: share of the line price when a SKU has no cost
    shipping_cost_per_order: "5.20"    # optional: else the shipping charged is taken as the cost
    marketing_cost_per_order: "3.50"   # allocated to every order
    marketing_cost_rate: "0.05"        # plus this share of the order's net revenue
    app_fees_monthly: "79.00"          # fixed costs, prorated per day in digests (not per order)

``payment_fees``::

    currency: USD
    default: {rate: "0.029", fixed: "0.30"}
    paypal: {rate: "3.49%", fixed: {USD: "0.49", EUR: "0.35"}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ionflux.agents.revenue_tracker.currency import check_currency
from ionflux.core.errors import ValidationError

ZERO = Decimal("0")
_COST_KEYS = {"currency", "cogs_per_sku", "default_cogs_rate", "shipping_cost_per_order", "marketing_cost_per_order",
              "marketing_cost_rate", "app_fees_monthly"}
#: Gateways that never charge a processing fee (store credit moves no money through a processor).
FEE_FREE_GATEWAYS = frozenset({"gift_card", "manual", "cash", "cash_on_delivery", "bank_deposit", "money_order"})


@dataclass(frozen=True)
class FeeRule:
    """A processor's fee: ``rate`` of the amount charged plus a ``fixed`` amount per currency."""

    rate: Decimal
    fixed: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class CostModel:
    """Everything needed to turn an order into its contribution margin."""

    cogs: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    default_cogs_rate: Decimal | None = None
    fees: dict[str, FeeRule] = field(default_factory=dict)
    shipping_cost_per_order: dict[str, Decimal] | None = None
    marketing_per_order: dict[str, Decimal] = field(default_factory=dict)
    marketing_rate: Decimal = ZERO
    app_fees_monthly: dict[str, Decimal] = field(default_factory=dict)

    def fee_rule(self, gateway: str | None) -> FeeRule | None:
        """The fee rule of a gateway (``"Shopify Payments"`` matches ``shopify_payments``), else ``default``."""
        key = gateway_key(gateway)
        if key in self.fees:
            return self.fees[key]
        if key in FEE_FREE_GATEWAYS:
            return FeeRule(ZERO)
        return self.fees.get("default")


def gateway_key(gateway: str | None) -> str:
    return "_".join((gateway or "").strip().lower().replace("-", " ").split()) or "unknown"


def decimal(value: Any, where: str, *, rate: bool = False) -> Decimal:
    """An exact, non-negative decimal; a rate may be written ``"2.9%"`` and must be below 1."""
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        raise ValidationError(f"{value!r} is not a number", where=where)
    text = str(value).strip()
    percent = rate and text.endswith("%")
    try:
        amount = Decimal(text.removesuffix("%").strip())
    except InvalidOperation:
        raise ValidationError(f"{value!r} is not a number", where=where) from None
    if percent:
        amount /= 100
    if not amount.is_finite() or amount < 0 or (rate and amount >= 1):
        bound = "from 0 to below 1 (or a percentage)" if rate else "0 or more"
        raise ValidationError(f"{value!r} must be {bound}", where=where)
    return amount


def amounts(value: Any, base: str | None, where: str) -> dict[str, Decimal]:
    """Amounts by currency from a plain amount (in ``base``) or a ``{currency: amount}`` mapping."""
    if isinstance(value, Mapping):
        return {check_currency(cur, f"{where}.{cur}"): decimal(v, f"{where}.{cur}") for cur, v in value.items()}
    if base is None:
        raise ValidationError("a plain amount needs a 'currency' at the top (or write {USD: ...})", where=where)
    return {base: decimal(value, where)}


def _base(data: Mapping[str, Any], where: str) -> str | None:
    return check_currency(data["currency"], f"{where}.currency") if data.get("currency") is not None else None


def parse_costs(data: Any, fees_data: Any = None, *, where: str = "manual_cost_inputs") -> CostModel:
    """Check ``manual_cost_inputs`` and ``payment_fees`` and build the cost model.

    Raises:
        ValidationError: the first problem, with its path (``manual_cost_inputs.cogs_per_sku.TEE.EUR``).
    """
    data = data or {}
    if not isinstance(data, Mapping):
        raise ValidationError("must be a JSON object", where=where)
    unknown = sorted(set(data) - _COST_KEYS)
    if unknown:
        raise ValidationError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_COST_KEYS))})",
                              where=f"{where}.{unknown[0]}")
    base = _base(data, where)
    cogs_in = data.get("cogs_per_sku") or {}
    if not isinstance(cogs_in, Mapping):
        raise ValidationError("must map SKUs to costs", where=f"{where}.cogs_per_sku")
    cogs = {str(sku): amounts(cost, base, f"{where}.cogs_per_sku.{sku}") for sku, cost in cogs_in.items()}
    shipping = data.get("shipping_cost_per_order")
    return CostModel(
        cogs=cogs,
        default_cogs_rate=(decimal(data["default_cogs_rate"], f"{where}.default_cogs_rate", rate=True)
                           if data.get("default_cogs_rate") is not None else None),
        fees=parse_fees(fees_data),
        shipping_cost_per_order=amounts(shipping, base, f"{where}.shipping_cost_per_order") if shipping is not None
        else None,
        marketing_per_order=amounts(data.get("marketing_cost_per_order") or {}, base,
                                    f"{where}.marketing_cost_per_order"),
        marketing_rate=decimal(data.get("marketing_cost_rate") or 0, f"{where}.marketing_cost_rate", rate=True),
        app_fees_monthly=amounts(data.get("app_fees_monthly") or {}, base, f"{where}.app_fees_monthly"),
    )


def parse_fees(data: Any, where: str = "payment_fees") -> dict[str, FeeRule]:
    """Fee rules by gateway key from the ``payment_fees`` input."""
    data = data or {}
    if not isinstance(data, Mapping):
        raise ValidationError("must be a JSON object of gateways", where=where)
    base = _base(data, where)
    rules: dict[str, FeeRule] = {}
    for name, rule in data.items():
        if name == "currency":
            continue
        rw = f"{where}.{name}"
        if not isinstance(rule, Mapping) or "rate" not in rule:
            raise ValidationError("must be {rate: ..., fixed: ...}", where=rw)
        fixed = amounts(rule["fixed"], base, f"{rw}.fixed") if rule.get("fixed") is not None else {}
        rules[gateway_key(name)] = FeeRule(decimal(rule["rate"], f"{rw}.rate", rate=True), fixed)
    return rules
