"""ISO 4217 currencies and their minor units, so every amount is rounded the way its currency is."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from ionflux.core.errors import ValidationError

#: Currencies without a minor unit (amounts are whole numbers).
_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
#: Currencies with three decimals.
_THREE = "BHD IQD JOD KWD LYD OMR TND"
#: Currencies with four decimals (units of account).
_FOUR = "CLF UYW"
#: Every other active ISO 4217 currency has two decimals.
_TWO = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD
CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA
MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR
RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD
TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL
"""

MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(_TWO.split(), 2),
    **dict.fromkeys(_ZERO.split(), 0),
    **dict.fromkeys(_THREE.split(), 3),
    **dict.fromkeys(_FOUR.split(), 4),
}

#: Banker's rounding: unbiased over many orders, so rounded components do not drift the totals.
ROUNDING = ROUND_HALF_EVEN

#: The smallest amount of each currency (``Decimal("0.01")`` for USD), looked up on every rounding.
_QUANTUM = {code: Decimal(1).scaleb(-units) for code, units in MINOR_UNITS.items()}


def check_currency(code: object, where: str) -> str:
    """``code`` if it is an active ISO 4217 currency code.

    Raises:
        ValidationError: naming ``where`` and the code, so a payload in a made-up currency is refused.
    """
    if not isinstance(code, str) or code not in MINOR_UNITS:
        raise ValidationError(f"{code!r} is not an ISO 4217 currency code", where=where)
    return code


def minor_units(currency: str) -> int:
    """Decimals of ``currency`` (JPY 0, USD 2, KWD 3)."""
    return MINOR_UNITS[check_currency(currency, "currency")]


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded to the currency's minor unit (banker's rounding)."""
    try:
        quantum = _QUANTUM[currency]
    except KeyError:
        check_currency(currency, "currency")
        raise
    return amount.quantize(quantum, rounding=ROUNDING)


def fmt(amount: Decimal, currency: str) -> str:
    """An amount as exact text with the currency's decimals (``"1234.50"``), for JSON and digests."""
    return format(quantize(amount, currency), "f")
