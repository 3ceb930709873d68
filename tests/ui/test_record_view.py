"""A brand, creator or prompt opened from the sidebar: fields written for people, one tab per record."""

from __future__ import annotations

from typing import Any

import pytest

from ionflux.ui.record_view import label, record_html, value_html
from ionflux.ui.theme import load_theme
from ionflux.ui.workspace_vm import LibraryItem

pytestmark = pytest.mark.gui
THEME = load_theme("dark")


def test_values_take_the_shape_a_person_would_write() -> None:
    assert "background-color:#1F3A5F" in value_html("#1F3A5F", THEME)  # a swatch, with its code
    assert value_html("https://shop.example/a?b=1&c=2", THEME).startswith("<a href='https://shop.example/a?b=1&amp;c=2'")
    assert value_html(["Inter", "Fraunces"], THEME) == "Inter, Fraunces"
    assert value_html({"store_url": "x", "vip": True}, THEME).count("<tr>") == 2
    assert ">Store URL<" in value_html({"store_url": "x"}, THEME)
    assert value_html("<b>raw</b>\nline", THEME) == "&lt;b&gt;raw&lt;/b&gt;<br>line"  # text is never markup
    variables = value_html([{"name": "product", "is_required": True}, {"name": "tone"}], THEME)
    assert variables.count("<tr>") == 3 and ">Is required<" in variables  # records of one shape: a table
    assert value_html([{"step_id": "a", "action_config_json": {"tag": "x"}}], THEME).startswith("<pre")  # JSON


def test_labels_read_as_words() -> None:
    assert label("access_token_secret_ref") == "Access token secret reference"
    assert label("target_audience_description_text") == "Audience"
    assert label("cart_value_gt") == "Cart value >"
    assert label("age_18_24") == "Age 18–24"


def test_a_record_puts_its_words_before_its_settings_and_hides_bookkeeping() -> None:
    item = LibraryItem("brand", None, "EcoThreads", "Fashion", {
        "visual_identity_assets_json": {"color_palette_array": ["#112233"]}, "status": "active",
        "name": "EcoThreads", "description_text": "Recycled denim."})
    page = record_html(item, THEME)
    assert page.index("DESCRIPTION") < page.index("VISUAL IDENTITY")
    assert "STATUS" not in page and page.count("EcoThreads") == 1


def test_opening_a_record_again_shows_its_tab_instead_of_a_second_one(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: bool(window.workspace_vm.library.brands), timeout=5000)
    brand = window.workspace_vm.library.brands[0]
    tabs = window.tabs.count()
    window.open_record(brand)
    window.tabs.setCurrentIndex(0)
    window.open_record(brand)
    assert window.tabs.count() == tabs + 1
    assert window.tabs.currentWidget().item.id == brand.id
