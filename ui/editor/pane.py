"""The agent YAML editor pane: code, problems, definition, effective config, run history and run details."""

from __future__ import annotations

import html
import uuid
from typing import Any

from ionflux.ui.editor.code import CodeEditor
from ionflux.ui.editor.model import Problem, RunRow, YamlEditorViewModel, pretty
from ionflux.ui.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ionflux.ui.theme import Theme, mono_font

VALIDATE_MS = 250


class EditorPane(QWidget):
    """Edits one agent configuration or playbook as YAML.

    Signals:
        run_requested(uuid.UUID, bool): run the configuration (True: dry run).
        message(str, str): a notice for a toast: title and kind (info, success, error).
    """

    run_requested = Signal(object, bool)
    message = Signal(str, str)

    def __init__(self, vm: YamlEditorViewModel, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm, self.theme = vm, theme
        self.title = QLabel("", self)
        self.title.setObjectName("PageTitle")
        self.subtitle = QLabel("", self)
        self.subtitle.setObjectName("PageMeta")
        self.state = QLabel("", self)
        self.state.setObjectName("PageMeta")
        self.save_button = QPushButton("Save", self)
        self.save_button.setObjectName("Primary")
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.run_button = QPushButton("▶  Run", self)
        self.dry_button = QPushButton("Dry run", self)
        self.dry_button.setToolTip("Run without side effects outside IONFLUX (no email sent, nothing posted)")
        self.banner = QLabel("", self)
        self.banner.setObjectName("Banner")
        self.banner.hide()
        self.code = CodeEditor(theme, self)
        self.problems = QListWidget(self)
        self.problems.setMaximumHeight(130)
        self.definition = QTextBrowser(self)
        self.definition.setOpenExternalLinks(True)
        self.effective = QPlainTextEdit(self)
        self.effective.setReadOnly(True)
        self.effective.setFont(mono_font(9.5))
        self.runs = QTableWidget(0, 4, self)
        self.runs.setHorizontalHeaderLabels(["Status", "Started", "Duration", "Result"])
        self.runs.verticalHeader().hide()
        self.runs.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.runs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.runs.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.run_view = QTextBrowser(self)
        self.side = QTabWidget(self)
        self.side.setObjectName("EditorPanel")
        runs_box = QSplitter(Qt.Orientation.Vertical, self)
        runs_box.addWidget(self.runs)
        runs_box.addWidget(self.run_view)
        self.side.addTab(self.definition, "Definition")
        self.side.addTab(self.effective, "Effective config")
        if vm.has_runs:
            self.side.addTab(runs_box, "Runs")
        else:
            runs_box.hide()
        if not vm.can_run_by_hand:  # playbooks run on their trigger event
            self.run_button.hide()
            self.dry_button.hide()
            self.side.setTabText(0, "Reference")
            self.side.setTabText(1, "Checked")
        self._layout()
        self._runs: list[RunRow] = []
        self._dirty_timer = QTimer(self)
        self._dirty_timer.setSingleShot(True)
        self._dirty_timer.setInterval(VALIDATE_MS)
        self._dirty_timer.timeout.connect(self._changed)
        self._loading = False
        self.code.suggest = self.vm.suggest
        self.code.textChanged.connect(self._typed)
        self.code.save_requested.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.run_button.clicked.connect(lambda: self.run(False))
        self.dry_button.clicked.connect(lambda: self.run(True))
        self.problems.itemActivated.connect(self._jump)
        self.problems.itemClicked.connect(self._jump)
        self.runs.cellDoubleClicked.connect(lambda row, _c: self._open_run(row))
        self.runs.cellActivated.connect(lambda row, _c: self._open_run(row))
        vm.loaded.connect(self._loaded)
        vm.validated.connect(self._validated)
        vm.saved.connect(self._saved)
        vm.runs_changed.connect(self._show_runs)
        vm.run_detail.connect(self._show_run)
        vm.changed_elsewhere.connect(self._changed_elsewhere)

    def _layout(self) -> None:
        head = QHBoxLayout()
        head.setContentsMargins(20, 12, 16, 8)
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.title)
        names.addWidget(self.subtitle)
        head.addLayout(names, 1)
        head.addWidget(self.state)
        for b in (self.dry_button, self.run_button, self.save_button):
            head.addWidget(b)
        left = QWidget(self)
        col = QVBoxLayout(left)
        col.setContentsMargins(16, 0, 8, 12)
        col.addWidget(self.banner)
        col.addWidget(self.code, 1)
        label = QLabel("PROBLEMS", left)
        label.setObjectName("SectionTitle")
        col.addWidget(label)
        col.addWidget(self.problems)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(split, 1)

    # -- view-model to widgets -----------------------------------------------------------------

    def _loaded(self, name: str, definition: dict[str, Any], text: str, is_draft: bool) -> None:
        self._loading = True
        self.title.setText(f"{name}")
        self.subtitle.setText(f"{definition.get('name')} v{definition.get('version')}  ·  agent configuration (YAML)"
                              if self.vm.can_run_by_hand else f"{self.vm.kind} (YAML)")
        self.code.setPlainText(text)
        self._loading = False
        self.banner.setText("Restored your unsaved draft — Save to apply it, or fix the problems first.")
        self.banner.setVisible(is_draft)
        self.definition.setHtml(definition_html(definition, self.theme))
        self.vm.validate(text)
        self._update_state()

    def _changed_elsewhere(self, text: str) -> None:
        """Show the new text when there is no edit here; otherwise keep the edit and say what Save does."""
        if self.code.toPlainText() in (self.vm.saved_text, text):
            self.vm.follow(text)
            self._loading = True
            cursor = self.code.textCursor().position()
            self.code.setPlainText(text)
            moved = self.code.textCursor()
            moved.setPosition(min(cursor, len(text)))
            self.code.setTextCursor(moved)
            self._loading = False
            self.vm.validate(text)
            self._update_state()
        else:
            then = ("Save writes the fields you edited and keeps the other changes." if self.vm.merges_on_save else
                    "Save replaces it with your text; copy your edit, then undo it to see theirs.")
            self.banner.setText(f"This {self.vm.kind} was changed elsewhere since you opened it. {then}")
            self.banner.show()

    def _typed(self) -> None:
        if not self._loading:
            self._update_state()
            self._dirty_timer.start()

    def _changed(self) -> None:
        text = self.code.toPlainText()
        self.vm.validate(text)
        self.vm.keep_draft(text)

    def _validated(self, problems: list[Problem], effective: dict[str, Any] | None) -> None:
        self.problems.clear()
        for p in problems:
            item = QListWidgetItem(f"●  line {p.line}:{p.column}   {p.message}")
            item.setForeground(self.theme.qcolor("danger"))
            item.setData(Qt.ItemDataRole.UserRole, (p.line, p.column))
            self.problems.addItem(item)
        if not problems:
            item = QListWidgetItem(f"✓  No problems — this {self.vm.kind} is valid")
            item.setForeground(self.theme.qcolor("success"))
            self.problems.addItem(item)
        self.code.set_problems({p.line: p.message for p in problems})
        if effective is not None:
            self.effective.setPlainText(pretty(effective))
        self._update_state()

    def _update_state(self) -> None:
        dirty = self.code.toPlainText() != self.vm.saved_text
        n = len(self.vm.problems)
        if n:
            self.state.setText(f"<span style='color:{self.theme.danger}'>● {n} problem{'s' if n != 1 else ''}</span>"
                               f"{'  ·  unsaved' if dirty else ''}")
        else:
            saved = f"<span style='color:{self.theme.success}'>✓ Saved</span>"
            self.state.setText("Unsaved changes" if dirty else saved)

    def _saved(self, applied: bool, message: str) -> None:
        if applied:
            self.banner.hide()
        self._update_state()
        self.message.emit(message, "success" if applied else "error")

    def _show_runs(self, runs: list[RunRow]) -> None:
        self._runs = runs
        self.runs.setRowCount(len(runs))
        for i, r in enumerate(runs):
            status = QTableWidgetItem(r.status.replace("_", " "))
            status.setForeground(_qcolor(self.theme.status_colour(r.status)))
            self.runs.setItem(i, 0, status)
            self.runs.setItem(i, 1, QTableWidgetItem(r.started.replace("T", " ")))
            self.runs.setItem(i, 2, QTableWidgetItem(f"{r.duration_s:.2f} s" if r.duration_s is not None else "…"))
            self.runs.setItem(i, 3, QTableWidgetItem((r.error or r.preview).replace("\n", " ")[:200]))
        self.runs.resizeColumnsToContents()
        self.runs.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def _open_run(self, row: int) -> None:
        if 0 <= row < len(self._runs):
            self.vm.open_run(self._runs[row].run_id)

    def _show_run(self, detail: dict[str, Any]) -> None:
        self.side.setCurrentIndex(2)
        self.run_view.setHtml(run_html(detail, self.theme))

    # -- actions -------------------------------------------------------------------------------

    def save(self) -> None:
        self._dirty_timer.stop()
        self.vm.save(self.code.toPlainText())

    def run(self, dry: bool) -> None:
        """Run (saving first when the text changed and is valid)."""
        if self.code.toPlainText() != self.vm.saved_text:
            if self.vm.problems:
                self.message.emit("Fix the problems (or undo the edit) before running", "error")
                return
            self.vm.save(self.code.toPlainText(), then=lambda: self.run_requested.emit(self.vm.config_id, dry))
            return
        self.run_requested.emit(self.vm.config_id, dry)

    def _jump(self, item: QListWidgetItem) -> None:
        where = item.data(Qt.ItemDataRole.UserRole)
        if where:
            self.code.go_to_line(*where)

    @property
    def config_id(self) -> uuid.UUID:
        return self.vm.config_id


def _qcolor(colour: str) -> Any:
    from ionflux.ui.qt import QColor

    return QColor(colour)


def definition_html(d: dict[str, Any], t: Theme) -> str:
    """The definition as a readable page: who the agent is, what it takes and what it gives."""
    prm = d.get("prm_details_json") or {}
    e = html.escape
    parts = [f"<h2 style='margin-bottom:2px'>{e(str(d.get('name')))}</h2>"]
    if prm.get("epithet"):
        parts.append(f"<div style='color:{t.muted}'><i>{e(prm['epithet'])}</i></div>")
    if prm.get("tagline"):
        parts.append(f"<p style='color:{t.accent}; font-weight:600'>{e(prm['tagline'])}</p>")
    caps = prm.get("core_capabilities_array") or []
    if caps:
        parts.append("<h4>Capabilities</h4><p>" + " &nbsp;·&nbsp; ".join(e(str(c)) for c in caps) + "</p>")
    inputs = d.get("inputs_schema_json_array") or []
    parts.append(f"<h4>{e(d.get('inputs_title', 'Inputs'))}</h4>")
    for s in inputs:
        extra = []
        if s.get("is_required"):
            extra.append("required")
        if "default_value" in s:
            extra.append(f"default {e(str(s['default_value']))}")
        if s.get("accepted_values_list"):
            extra.append("one of " + ", ".join(e(str(v)) for v in s["accepted_values_list"]))
        parts.append(f"<p><code>{e(s['key_name'])}</code> <span style='color:{t.muted}'>{e(s.get('data_type', ''))}"
                     f"{' · ' + ' · '.join(extra) if extra else ''}</span><br>{e(s.get('description_text', ''))}</p>")
    if not inputs:
        parts.append(f"<p style='color:{t.muted}'>No inputs.</p>")
    if "outputs_config_json_array" in d:
        parts.append("<h4>Outputs</h4>")
    for o in d.get("outputs_config_json_array") or []:
        parts.append(f"<p><code>{e(o['key_name'])}</code> <span style='color:{t.muted}'>{e(o.get('data_type', ''))}"
                     f"</span><br>{e(o.get('description_text', ''))}</p>")
    triggers = d.get("triggers_config_json_array") or []
    if triggers:
        parts.append("<h4>Triggers</h4>")
        for tr in triggers:
            cfg = ", ".join(f"{k}: {v}" for k, v in (tr.get("default_config_json") or {}).items())
            parts.append(f"<p><code>{e(tr['trigger_key'])}</code> <span style='color:{t.muted}'>{e(tr.get('type', ''))}"
                         f"{' · ' + e(cfg) if cfg else ''}{' · overridable' if tr.get('is_user_overridable') else ''}"
                         f"</span><br>{e(tr.get('description_text', ''))}</p>")
    return "".join(parts)


def run_html(r: dict[str, Any], t: Theme) -> str:
    e = html.escape
    colour = t.status_colour(r["status"])
    parts = [f"<h3>Run <code>{e(r['run_id'][:8])}</code> <span style='color:{colour}'>{e(r['status'])}</span></h3>",
             f"<p style='color:{t.muted}'>{e(r['trigger'])} · started {e(r['start_time'])}"
             f"{' · ended ' + e(r['end_time']) if r.get('end_time') else ''}</p>"]
    if r.get("preview"):
        parts.append(f"<p>{e(r['preview'])}</p>")
    if r.get("error"):
        err = r["error"]
        parts.append(f"<h4 style='color:{t.danger}'>Error</h4><p>{e(str(err.get('error_message_text')))}</p>")
        if err.get("stack_trace_text"):
            parts.append(f"<pre style='font-size:10px'>{e(err['stack_trace_text'][-3000:])}</pre>")
    for title, key in (("Inputs", "inputs"), ("Outputs", "outputs"), ("KPIs", "kpis")):
        if r.get(key):
            parts.append(f"<h4>{title}</h4><pre style='font-size:10px'>{e(pretty(r[key]))[:6000]}</pre>")
    if r.get("log"):
        parts.append(f"<h4>Log</h4><pre style='font-size:10px'>{e(r['log'])}</pre>")
    return "".join(parts)
