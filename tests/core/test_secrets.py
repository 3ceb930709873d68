import logging

import pytest

from ionflux.core.errors import SecretError
from ionflux.core.secrets import SecretStore, check_no_raw_secrets


def test_set_get_delete_through_the_keyring(memory_keyring) -> None:
    secrets = SecretStore(memory_keyring)
    secrets.set("keyring:sendgrid", "SG.very-secret")
    assert secrets.get("sendgrid") == "SG.very-secret"
    assert ("ionflux", "sendgrid") in memory_keyring.entries
    secrets.delete("sendgrid")
    with pytest.raises(SecretError, match="ionflux secret set sendgrid"):
        secrets.get("sendgrid")
    assert secrets.get_optional("sendgrid") is None


def test_log_filter_masks_known_secret_values(memory_keyring, caplog: pytest.LogCaptureFixture) -> None:
    secrets = SecretStore(memory_keyring)
    secrets.set("openai", "sk-abcdef123456")
    logger = logging.getLogger("ionflux.test.secrets")
    handler_filter = secrets.log_filter()
    caplog.handler.addFilter(handler_filter)
    logger.warning("calling with key %s", "sk-abcdef123456")
    assert "sk-abcdef123456" not in caplog.text
    assert "***" in caplog.text


@pytest.mark.parametrize("settings", [
    {"openai_api_key": "sk-123"},
    {"nested": {"access_token": "shpat_1"}},
    {"password": "hunter2"},
    {"x_secret_ref": 123},
    {"access_token_secret_ref": "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"},  # the token where its name goes
    {"api_key_secret_ref": "keyring:sk-proj-abc"},
    {"sendgrid_secret_ref": "SG.abc.def"},
    {"webhook_secret_ref": "a8f5f167f44f4964e6c998dee827110c8b3f0a1d"},  # 40 hex characters
    {"apps": [{"name": "x"}, {"access_token": "shpat_1"}]},  # a mapping inside a list
])
def test_raw_secrets_are_refused(settings: dict) -> None:
    with pytest.raises(SecretError):
        check_no_raw_secrets(settings, "settings_json")


def test_references_are_fine() -> None:
    check_no_raw_secrets({"openai_api_key_secret_ref": "openai", "generic_secrets_config_json": {
        "my_sendgrid_key": "projects/x/secrets/y/versions/latest"}, "access_token_secret_ref": None}, "s")


def test_a_raw_secret_is_named_where_it_is() -> None:
    with pytest.raises(SecretError) as err:
        check_no_raw_secrets({"apps": [{"name": "x"}, {"access_token": "shpat_1"}]}, "brand.shopify")
    assert err.value.where == "brand.shopify.apps[1].access_token"


@pytest.mark.parametrize("name", ["shopify-eco", "projects/ionflux-demo/secrets/shopify_ecothreads/versions/latest",
                                  "keyring:openai", "sendgrid", "tiktok_business_account_token_2026",
                                  "openai_api_key",
                                  "https://vault.vault.azure.net/secrets/shopify/0123456789abcdef0123456789abcdef",
                                  "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/shopify-AbCdEf"])
def test_names_of_secrets_are_not_taken_for_secrets(name: str) -> None:
    check_no_raw_secrets({"access_token_secret_ref": name}, "s")


def test_a_draft_keeps_no_raw_secret_and_everything_else_as_typed() -> None:
    from ionflux.core.secrets import REDACTED_NOTE, redact_yaml_secrets

    typed = ("name: X\nshopify:\n  store_url: https://x.example\n  access_token: shpat_123\n"
             "  access_token_secret_ref: shopify-eco\n  api_key_secret_ref: 'sk-live-abc'\n  password: ''\n"
             "apps:\n- token: \"abc def\"\nmax_tokens: 200\nsecret_santa: true\n")
    kept = redact_yaml_secrets(typed).split("\n")
    assert kept[3] == f"  access_token: ''  {REDACTED_NOTE}"
    assert kept[5] == f"  api_key_secret_ref: ''  {REDACTED_NOTE}"
    assert kept[8] == f"- token: ''  {REDACTED_NOTE}"
    for i in (0, 1, 2, 4, 6, 7, 9, 10):
        assert kept[i] == typed.split("\n")[i]
    assert "shpat_123" not in "\n".join(kept) and "sk-live-abc" not in "\n".join(kept)
