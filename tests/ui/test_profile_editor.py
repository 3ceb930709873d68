"""Brands and creators edited in the window: from their page to a checked YAML form and back."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from conftest import refused_save

from ionflux.ui.qt import Qt, QUrl
from ionflux.ui.record_view import EDIT_URL, RecordView

pytestmark = pytest.mark.gui


def _brand_page(qtbot: Any, window: Any) -> RecordView:
    """The demo brand's page, opened as a click in the sidebar does (the focus was in the sidebar)."""
    qtbot.waitUntil(lambda: bool(window.workspace_vm.library.brands), timeout=5000)
    window.activateWindow()
    window.sidebar.library.setFocus()
    window.sidebar.item_chosen.emit(window.workspace_vm.library.brands[0])
    page = window.tabs.currentWidget()
    assert isinstance(page, RecordView)
    return page


def _edit(qtbot: Any, window: Any, page: RecordView) -> Any:
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
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


def _library_row(window: Any, text: str) -> Any:
    tree = window.sidebar.library
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        for j in range(group.childCount()):
            if group.child(j).text(0) == text:
                return group.child(j)
    raise AssertionError(f"no {text!r} row in the library")


def test_new_brand_in_the_sidebar_creates_one_and_opens_it_to_fill_in(qtbot: Any, window: Any, app: Any) -> None:
    qtbot.waitUntil(lambda: bool(window.workspace_vm.library.brands), timeout=5000)
    window.sidebar.library.itemActivated.emit(_library_row(window, "+ New brand"), 0)
    qtbot.waitUntil(lambda: window.tabs.tabText(window.tabs.currentIndex()) == "✎ New brand", timeout=3000)
    pane = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: pane.code.toPlainText().startswith("name: New brand\n"), timeout=3000)
    qtbot.waitUntil(lambda: "New brand" in [b.name for b in window.workspace_vm.library.brands], timeout=3000)
    pane.code.setPlainText(pane.code.toPlainText().replace("name: New brand", "name: Atelier Verre")
                           .replace("industry: null", "industry: Glass"))
    with qtbot.waitSignal(pane.vm.saved, timeout=3000) as saved:
        pane.save_button.click()
    assert saved.args[0] is True
    qtbot.waitUntil(lambda: [b.name for b in window.workspace_vm.library.brands]
                    == ["Atelier Verre", "EcoThreads Boutique"], timeout=3000)
    assert _library_row(window, "Atelier Verre").data(0, Qt.ItemDataRole.UserRole + 2).subtitle == "Glass"


def test_new_creator_has_keys_and_a_place_in_the_palette(qtbot: Any, window: Any) -> None:
    window.canvas_pane.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.tabs.tabText(window.tabs.currentIndex()) == "✎ New creator", timeout=3000)
    window.open_palette()
    window.palette.input.setText("new creator")
    window.palette._search()
    qtbot.waitUntil(lambda: bool(window.palette.entries), timeout=3000)
    assert (window.palette.entries[0].kind, window.palette.entries[0].title) == ("command", "New creator")


def test_a_change_made_elsewhere_shows_in_an_unedited_editor(qtbot: Any, window: Any, app: Any) -> None:
    pane = _edit(qtbot, window, _brand_page(qtbot, window))
    app.brands.update(pane.config_id, industry="Changed by sync")
    qtbot.waitUntil(lambda: "industry: Changed by sync\n" in pane.code.toPlainText(), timeout=3000)
    assert pane.vm.saved_text == pane.code.toPlainText() and not pane.banner.isVisible()


def test_saving_a_stale_edit_keeps_what_changed_elsewhere_in_the_other_fields(qtbot: Any, window: Any,
                                                                               app: Any) -> None:
    pane = _edit(qtbot, window, _brand_page(qtbot, window))
    edited = pane.code.toPlainText().replace("name: EcoThreads Boutique", "name: EcoThreads Atelier", 1)
    pane.code.setPlainText(edited)
    app.brands.update(pane.config_id, industry="Changed by sync", persona_guardian_namespace_id="pg-ns-42")
    qtbot.waitUntil(pane.banner.isVisible, timeout=3000)
    assert "changed elsewhere" in pane.banner.text()
    assert pane.code.toPlainText() == edited  # the edit is not thrown away
    with qtbot.waitSignal(pane.vm.saved, timeout=3000) as saved:
        pane.save_button.click()
    assert saved.args[0] is True
    brand = app.brands.get(pane.config_id)
    assert (brand.name, brand.industry, brand.persona_guardian_namespace_id) == (
        "EcoThreads Atelier", "Changed by sync", "pg-ns-42")
    qtbot.waitUntil(lambda: "industry: Changed by sync\n" in pane.code.toPlainText(), timeout=3000)


def test_a_pasted_token_never_reaches_the_draft(qtbot: Any, window: Any) -> None:
    from conftest import wait_idle

    page = _brand_page(qtbot, window)
    pane = _edit(qtbot, window, page)
    token = "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"
    broken = pane.code.toPlainText().replace("  store_url:", f"  access_token: {token}\n  store_url:", 1)
    _line, problem = refused_save(qtbot, pane, broken, token)
    assert "holds a secret value" in problem
    window._close_tab(window.tabs.indexOf(pane))
    wait_idle(qtbot, window)
    drafts = window.services.store.get_local("ui.drafts.yaml", {})
    assert token not in str(drafts) and "access_token: ''" in drafts[str(page.item.id)]
    again = _edit(qtbot, window, _brand_page(qtbot, window))
    assert again.banner.isVisible() and token not in again.code.toPlainText()


def test_archiving_in_the_editor_closes_the_page_and_leaves_the_sidebar(qtbot: Any, window: Any, app: Any) -> None:
    page = _brand_page(qtbot, window)
    pane = _edit(qtbot, window, page)
    pane.code.setPlainText(pane.code.toPlainText().replace("status: active", "status: archived"))
    with qtbot.waitSignal(pane.vm.saved, timeout=3000) as saved:
        pane.save_button.click()
    assert saved.args[0] is True
    del page  # its tab closes, and the widget goes with it
    qtbot.waitUntil(lambda: not any(isinstance(window.tabs.widget(i), RecordView)
                                    for i in range(window.tabs.count())), timeout=3000)
    assert window.workspace_vm.library.brands == [] and window.tabs.currentWidget() is pane


def test_a_prompt_is_edited_from_its_page_and_saved_as_a_new_version(qtbot: Any, window: Any, app: Any) -> None:
    qtbot.waitUntil(lambda: bool(window.workspace_vm.library.prompts), timeout=5000)
    window.sidebar.item_chosen.emit(window.workspace_vm.library.prompts[0])
    page = window.tabs.currentWidget()
    assert "EDIT" in page.toPlainText()
    pane = _edit(qtbot, window, page)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "✎ Exciting Product Promotion"
    text = pane.code.toPlainText()
    before = app.prompts.get(pane.config_id).version
    _line, problem = refused_save(qtbot, pane, text.replace("{{call_to_action}}", "{{cta}}"), "{{cta}}")
    assert "placeholder {{cta}} is not declared" in problem
    pane.code.setPlainText(text.replace("Include a call to", "End with a call to"))
    with qtbot.waitSignal(pane.vm.saved, timeout=3000) as saved:
        pane.save_button.click()
    assert saved.args[0] is True
    prompt = app.prompts.get(pane.config_id)
    assert prompt.version == before + 1 and "End with a call to" in prompt.prompt_text
    qtbot.waitUntil(lambda: "End with a call to" in page.toPlainText(), timeout=3000)


def test_prompt_completion_offers_keys_where_keys_go_and_nothing_inside_the_text(qtbot: Any, window: Any) -> None:
    from ionflux.ui.editor.prompt_model import PromptEditorViewModel

    vm = PromptEditorViewModel(window.services, window.ops, uuid.uuid4())
    text = "name: X\nprompt_text: |\n  desc\nvariables_schema_json_array:\n- name: a\n  ty\n  type: n\nta"
    lines = text.split("\n")
    assert vm.suggest(text, 2, len(lines[2]))[1] == []  # prose in the prompt: no popup to steal Enter
    assert [s.text for s in vm.suggest(text, 5, len(lines[5]))[1]] == ["type: "]
    assert [s.text for s in vm.suggest(text, 6, len(lines[6]))[1]] == ["number"]
    assert [s.text for s in vm.suggest(text, 7, len(lines[7]))[1]] == ["tags_array: "]


def test_brand_completion_offers_its_fields_and_statuses(qtbot: Any, window: Any) -> None:
    from ionflux.ui.editor.profile_model import ProfileEditorViewModel

    vm = ProfileEditorViewModel(window.services, window.ops, "brand", uuid.uuid4())
    assert [s.text for s in vm.suggest("ind", 0, 3)[1]] == ["industry: "]
    assert [s.text for s in vm.suggest("name: X\nstatus: a", 1, 9)[1]] == ["active", "archived"]
    assert vm.suggest("shopify_integration_details_json:\n  st", 1, 4)[1] == []  # settings are free-form
