import pytest

from ionflux.core.filters import matches, split_condition


def test_split_condition() -> None:
    assert split_condition("cart_value_gt") == ("cart_value", "gt")
    assert split_condition("currency") == ("currency", "eq")
    assert split_condition("tags_contains") == ("tags", "contains")
    assert split_condition("_gt") == ("_gt", "eq")


@pytest.mark.parametrize(("conditions", "expected"), [
    ({"cart_value_gt": 100}, True),
    ({"cart_value_gt": 150}, False),
    ({"cart_value_lte": "120.5"}, True),
    ({"currency": "USD"}, True),
    ({"currency_ne": "USD"}, False),
    ({"customer.tags_contains": "vip"}, True),
    ({"customer.note_contains": "GIFT"}, True),
    ({"country_in": ["US", "CA"]}, True),
    ({"country_in": ["BR"]}, False),
    ({"missing_gt": 1}, False),
    ({"missing_ne": 1}, True),
    ({"items.0.sku": "A1"}, True),
    ({"cart_value_gt": "lots"}, False),
    ({}, True),
])
def test_conditions(conditions: dict, expected: bool) -> None:
    payload = {"cart_value": 120.5, "currency": "USD", "country": "US",
               "customer": {"tags": ["vip", "eu"], "note": "a gift for mum"}, "items": [{"sku": "A1"}]}
    assert matches(conditions, payload) is expected
