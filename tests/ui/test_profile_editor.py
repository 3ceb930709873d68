"""Brands and creators edited in the window: from their page to a checked YAML form and back."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import refused_save

from ionflux.ui.qt import Qt, QUrl
from ionflux.ui.record_view import EDIT_URL, RecordView

pytestmark = pytest.mark.gui


def _brand_page(qtbot: Any, window: Any) -> RecordView:
    qtbot.waitUntil(lambda: bool(window.workspace_vm.library.brands), timeout=5000)
    window.sidebar.item_chosen.emit(window.workspace_vm.library.brands[0])
    page = window.tabs.currentWidget()
    assert isinstance(page, RecordView)
    return page


def _edit(qtbot: Any, window: Any, page: RecordView) -> Any:
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    pane = window.editors[page.item.id]
    qtbot.waitUntil(lambda: pane.code.toPlainText() != "" and pane.problems.count() > 0, timeout=3000)
    return pane


def test_a_brand_page_offers_edit_and_ctrl_e_opens_its_yaml(qtbot: Any, window: Any) -> None:
    page = _brand_page(qtbot, window)
    assert "EDIT" in page.toPlainText() and "CTRL+E" in page.toPlainText()
    pane = _edit(qtbot, window, page)
    assert window.tabs.currentWidget() is pane
    assert window.tabs.tabText(window.tabs.currentIndex()) == "✎ EcoThreads Boutique"
    assert pane.code.toPlainText().startswith("name: EcoThreads Boutique\nindustry: Sustainable fashion\n")
    assert pane.problems.item(0).text() == "✓  No problems — this brand is valid"
    assert pane.run_button.isHidden() and pane.dry_button.isHidden()
    assert [pane.side.tabText(i) for i in range(pane.side.count())] == ["Reference", "Checked"]
    reference = pane.definition.toPlainText()
    assert "brand_voice_guidelines_text" in reference and "Fields" in reference and "Outputs" not in reference


def test_the_edit_link_opens_the_same_editor_once(qtbot: Any, window: Any) -> None:
    page = _brand_page(qtbot, window)
    tabs = window.tabs.count()
    page.anchorClicked.emit(QUrl(EDIT_URL))
    pane = window.editors[page.item.id]
    window.tabs.setCurrentWidget(page)
    page.anchorClicked.emit(QUrl(EDIT_URL))
    assert window.tabs.currentWidget() is pane and window.tabs.count() == tabs + 1


def test_a_bad_colour_is_marked_at_its_line_and_kept_as_a_draft(qtbot: Any, window: Any, app: Any) -> None:
    page = _brand_page(qtbot, window)
    pane = _edit(qtbot, window, page)
    broken = pane.code.toPlainText().replace("'#7BA05B'", "sage green", 1)
    _line, problem = refused_save(qtbot, pane, broken, "sage green")
    assert "'sage green' is not a hex colour" in problem
    brand = app.brands.get(page.item.id)
    assert "#7BA05B" in brand.visual_identity_assets_json["color_palette_array"]


def test_a_valid_save_updates_the_page_the_tabs_and_the_sidebar(qtbot: Any, window: Any, app: Any) -> None:
    page = _brand_page(qtbot, window)
    pane = _edit(qtbot, window, page)
    edited = pane.code.toPlainText().replace("name: EcoThreads Boutique", "name: EcoThreads Atelier", 1) \
        .replace("industry: Sustainable fashion", "industry: Circular fashion", 1)
    pane.code.setPlainText(edited)
    with qtbot.waitSignal(pane.vm.saved, timeout=3000) as saved:
        pane.save_button.click()
    assert saved.args[0] is True
    assert app.brands.get(page.item.id).industry == "Circular fashion"
    assert window.tabs.tabText(window.tabs.indexOf(pane)) == "✎ EcoThreads Atelier"
    qtbot.waitUntil(lambda: "Circular fashion" in page.toPlainText(), timeout=3000)
    assert window.tabs.tabText(window.tabs.indexOf(page)) == "EcoThreads Atelier"
    assert [b.name for b in window.workspace_vm.library.brands] == ["EcoThreads Atelier"]


def test_a_creator_is_edited_the_same_way(qtbot: Any, window: Any, app: Any) -> None:
    qtbot.waitUntil(lambda: bool(window.workspace_vm.library.creators), timeout=5000)
    window.sidebar.item_chosen.emit(window.workspace_vm.library.creators[0])
    page = window.tabs.currentWidget()
    pane = _edit(qtbot, window, page)
    text = pane.code.toPlainText()
    assert text.startswith("name: Maya Reyes\nbio_text:")
    pane.code.setPlainText(text + "favourite_colour: red\n")
    qtbot.waitUntil(lambda: bool(pane.code.problem_lines), timeout=3000)
    assert "favourite_colour: unknown field" in next(iter(pane.code.problem_lines.values()))
