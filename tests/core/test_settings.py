import pytest

from ionflux.core.errors import ValidationError
from ionflux.core.settings import DeviceSettings
from ionflux.core.store import Store


def test_defaults_set_and_nested(store: Store) -> None:
    s = DeviceSettings(store)
    assert s.get("llm.remote_enabled") is False
    assert s.set("llm.remote_enabled", "yes") is True
    assert s.set("webhooks.port", "9001") == 9001
    nested = s.nested()
    assert nested["llm"]["remote_enabled"] is True and nested["webhooks"]["port"] == 9001
    assert nested["llm"]["local_model_path"] is None
    assert store.pending_outbox_count() == 0  # device settings never sync


@pytest.mark.parametrize(("key", "value"), [("llm.remote_enabled", "perhaps"), ("webhooks.port", "eighty"),
                                            ("no.such", "1")])
def test_bad_values(store: Store, key: str, value: str) -> None:
    with pytest.raises(ValidationError) as err:
        DeviceSettings(store).set(key, value)
    assert err.value.where == key
