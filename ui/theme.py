"""Light and dark themes: one palette of named colours, applied as a Qt palette plus a style sheet."""

from __future__ import annotations

from dataclasses import dataclass

from ionflux.ui.qt import QApplication, QColor, QPalette


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    panel: str
    raised: str
    border: str
    text: str
    muted: str
    accent: str
    accent_text: str
    canvas: str
    grid: str
    danger: str
    success: str


DARK = Theme("dark", window="#16181d", panel="#1d2027", raised="#262a33", border="#323844", text="#e6e8ee",
             muted="#8b93a5", accent="#7c5cff", accent_text="#ffffff", canvas="#121418", grid="#1e222a",
             danger="#ff5d6c", success="#3ecf8e")
LIGHT = Theme("light", window="#f6f7f9", panel="#ffffff", raised="#ffffff", border="#dde1e8", text="#1c2230",
              muted="#687086", accent="#5b3df5", accent_text="#ffffff", canvas="#eef0f4", grid="#e2e5eb",
              danger="#d93848", success="#1f9d63")
THEMES = {t.name: t for t in (DARK, LIGHT)}


def style_sheet(t: Theme) -> str:
    return f"""
    QMainWindow, QWidget {{ background: {t.window}; color: {t.text}; font-size: 13px; }}
    #Sidebar {{ background: {t.panel}; border-right: 1px solid {t.border}; }}
    #SidebarHeader {{ color: {t.muted}; font-size: 11px; font-weight: 600; letter-spacing: 1px;
                      padding: 12px 12px 4px 12px; background: transparent; }}
    #WorkspaceTitle {{ font-size: 15px; font-weight: 700; padding: 14px 12px 4px 12px; background: transparent; }}
    QTreeView, QListWidget, QListView {{ background: transparent; border: none; outline: none; padding: 2px 6px; }}
    QTreeView::item, QListWidget::item {{ padding: 5px 6px; border-radius: 6px; }}
    QTreeView::item:selected, QListWidget::item:selected {{ background: {t.raised}; color: {t.text}; }}
    QTreeView::item:hover, QListWidget::item:hover {{ background: {t.raised}; }}
    QDockWidget {{ color: {t.muted}; }}
    QDockWidget::title {{ background: {t.panel}; padding: 8px 10px; border-bottom: 1px solid {t.border}; }}
    #ChatPanel {{ background: {t.panel}; border-left: 1px solid {t.border}; }}
    #ChannelTitle {{ font-size: 14px; font-weight: 700; padding: 10px 12px; background: transparent; }}
    QLineEdit {{ background: {t.raised}; border: 1px solid {t.border}; border-radius: 8px; padding: 8px 10px;
                 selection-background-color: {t.accent}; }}
    QLineEdit:focus {{ border: 1px solid {t.accent}; }}
    QComboBox {{ background: {t.raised}; border: 1px solid {t.border}; border-radius: 6px; padding: 4px 8px; }}
    QStatusBar {{ background: {t.panel}; color: {t.muted}; border-top: 1px solid {t.border}; }}
    QStatusBar QLabel {{ background: transparent; color: {t.muted}; padding: 0 8px; }}
    #PageTitle {{ font-size: 20px; font-weight: 700; padding: 14px 18px 6px 18px; background: transparent; }}
    QGraphicsView {{ border: none; background: {t.canvas}; }}
    QScrollBar:vertical, QScrollBar:horizontal {{ background: transparent; width: 10px; height: 10px; }}
    QScrollBar::handle {{ background: {t.border}; border-radius: 5px; min-height: 24px; min-width: 24px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
    """


def apply_theme(app: QApplication, t: Theme) -> None:
    """Set the palette (for native parts) and the style sheet (for everything else)."""
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, QColor(t.window))
    pal.setColor(QPalette.ColorRole.WindowText, QColor(t.text))
    pal.setColor(QPalette.ColorRole.Base, QColor(t.panel))
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor(t.raised))
    pal.setColor(QPalette.ColorRole.Text, QColor(t.text))
    pal.setColor(QPalette.ColorRole.Button, QColor(t.raised))
    pal.setColor(QPalette.ColorRole.ButtonText, QColor(t.text))
    pal.setColor(QPalette.ColorRole.Highlight, QColor(t.accent))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor(t.accent_text))
    pal.setColor(QPalette.ColorRole.PlaceholderText, QColor(t.muted))
    app.setPalette(pal)
    app.setStyleSheet(style_sheet(t))
