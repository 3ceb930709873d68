"""The shortcuts sheet: every command, its keys and what it does, read from the registry and the key map."""

from __future__ import annotations

from ionflux.ui.actions import KeyMap
from ionflux.ui.qt import QDialog, QLabel, QLineEdit, Qt, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

CATEGORY_TITLES = {
    "palette": "General", "shortcuts": "General", "view": "View", "edit": "Edit", "canvas": "Canvas",
    "page": "Pages", "chat": "Chat", "agents": "Agents", "search": "Search", "help": "Chat",
}
#: Keys that are not commands but are part of the keyboard path (documented here, bound by their widgets).
WIDGET_KEYS = (
    ("Canvas", "Space + drag", "Pan the board"),
    ("Canvas", "Ctrl + wheel", "Zoom around the pointer"),
    ("Canvas", "Menu / Shift+F10", "The selected block's menu (e.g. move a kanban card)"),
    ("Canvas", "Esc / Ctrl+Enter", "Cancel / save an inline edit"),
    ("Chat", "Enter", "Send; on a selected message: open its thread"),
    ("Chat", "Tab / ↑↓", "Accept / choose an autocomplete suggestion"),
    ("Chat", "Menu", "A selected message's menu (reply, react, approve)"),
    ("Agent editor", "Ctrl+S", "Save (an invalid configuration is kept as a draft)"),
    ("Agent editor", "Ctrl+Space", "Complete input keys and accepted values"),
    ("Library", "Ctrl+E", "On a brand's or creator's page: edit it as YAML"),
)


MAX_ACTION_WIDTH = 300


class ShortcutsSheet(QDialog):
    """Lists every command with its keys (commands without keys are reachable from the palette)."""

    def __init__(self, keymap: KeyMap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(760, 620)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter shortcuts…")
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Action", "Keys", "What it does"])
        self.tree.setRootIsDecorated(False)
        note = QLabel("Change a binding with  <code>ionflux keybind COMMAND KEYS</code>  "
                      "(e.g. <code>ionflux keybind palette.open Ctrl+P</code>).", self)
        note.setObjectName("Hint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(note)
        groups: dict[str, QTreeWidgetItem] = {}
        rows: list[tuple[str, str, str, str]] = []
        for cmd in keymap.registry:
            if cmd.cli and not cmd.slash and not cmd.keys and not cmd.gui_only:
                continue  # terminal-only commands
            category = CATEGORY_TITLES.get(cmd.category, cmd.category.title())
            keys = keymap.native(cmd.id) or (cmd.slash or "palette")
            rows.append((category, cmd.title, keys, cmd.help))
        rows += [(category, action, keys, "") for category, keys, action in WIDGET_KEYS]
        rows.sort(key=lambda r: (r[0], r[1].casefold()))  # groups, then actions, alphabetically
        for category, title, keys, help_text in rows:
            group = groups.get(category)
            if group is None:
                group = groups[category] = QTreeWidgetItem([category.upper()])
                group.setFirstColumnSpanned(True)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.tree.addTopLevelItem(group)
            row = QTreeWidgetItem([title, keys, help_text])
            for column, text in enumerate((title, keys, help_text)):
                row.setToolTip(column, text)  # the full text where a column cuts it short
            group.addChild(row)
        self.tree.setRootIsDecorated(False)
        self.tree.expandAll()
        for i in range(2):
            self.tree.resizeColumnToContents(i)
        # "What it does" gets the room: a long action name is cut short (its tooltip has it all).
        self.tree.setColumnWidth(0, min(self.tree.columnWidth(0), MAX_ACTION_WIDTH))
        self.tree.header().setStretchLastSection(True)
        self.filter.textChanged.connect(self._filter)

    def _filter(self, text: str) -> None:
        needle = text.lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            shown = 0
            for j in range(group.childCount()):
                child = group.child(j)
                hit = not needle or any(needle in child.text(c).lower() for c in range(3))
                child.setHidden(not hit)
                shown += hit
            group.setHidden(shown == 0)

    def rows(self) -> list[tuple[str, str]]:
        """(action, keys) of every visible row (for tests)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            out += [(group.child(j).text(0), group.child(j).text(1)) for j in range(group.childCount())]
        return out
