"""Light and dark themes: named colours from ``resources/themes/*.json``, applied as a palette plus a style sheet."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from string import Template

from ionflux.ui.qt import QApplication, QColor, QFont, QPalette

THEME_NAMES = ("dark", "light")
#: Preferred UI fonts, first available wins (the platform default otherwise).
FONT_FAMILIES = ("Inter", "Segoe UI", "SF Pro Text", "Cantarell", "Noto Sans", "DejaVu Sans")
MONO_FAMILIES = ("JetBrains Mono", "Cascadia Code", "SF Mono", "Menlo", "Consolas", "DejaVu Sans Mono")


@dataclass(frozen=True)
class Theme:
    """A theme's colours, as ``#rrggbb`` strings; widgets read them by name."""

    name: str
    window: str
    panel: str
    raised: str
    hover: str
    border: str
    text: str
    muted: str
    faint: str
    accent: str
    accent_soft: str
    accent_text: str
    canvas: str
    grid: str
    danger: str
    warning: str
    success: str
    info: str
    shadow: str
    block_colours: dict[str, str] = field(default_factory=dict)

    @property
    def dark(self) -> bool:
        return self.name == "dark"

    def block_colour(self, block_type: str) -> str:
        return self.block_colours.get(block_type, self.accent)

    def status_colour(self, status: str) -> str:
        """Colour of a run or agent status (pending, running, success, error, cancelled...)."""
        return {"success": self.success, "error": self.danger, "running": self.info, "pending": self.warning,
                "idle": self.faint}.get(status.split("_")[0], self.faint)

    def qcolor(self, name: str, alpha: int = 255) -> QColor:
        colour = QColor(getattr(self, name))
        colour.setAlpha(alpha)
        return colour


@cache
def load_theme(name: str) -> Theme:
    """Read a theme from the resources (cached: themes never change while running)."""
    text = resources.files("ionflux.resources").joinpath("themes", f"{name}.json").read_text(encoding="utf-8")
    return Theme(**json.loads(text))


def icon_path(name: str) -> str:
    """A file path to an icon of ``resources/icons`` (style sheets need paths, not bytes)."""
    return str(resources.files("ionflux.resources").joinpath("icons", name)).replace("\\", "/")


def style_sheet(t: Theme) -> str:
    template = resources.files("ionflux.resources").joinpath("themes", "app.qss").read_text(encoding="utf-8")
    values = {k: v for k, v in vars(t).items() if isinstance(v, str)}
    values["icon_close"] = icon_path("close.svg")
    return Template(template).safe_substitute(values)


def ui_font(size: float = 10.0) -> QFont:
    """The UI font at ``size`` points."""
    from ionflux.ui.qt import QFontDatabase

    families = set(QFontDatabase.families())
    family = next((f for f in FONT_FAMILIES if f in families), None)
    font = QFont(family) if family else QFont()
    font.setPointSizeF(size)
    return font


def mono_font(size: float = 10.0) -> QFont:
    from ionflux.ui.qt import QFontDatabase

    families = set(QFontDatabase.families())
    family = next((f for f in MONO_FAMILIES if f in families), "monospace")
    font = QFont(family)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(size)
    return font


def apply_theme(app: QApplication, t: Theme) -> None:
    """Set the palette (for native parts), the font and the style sheet (for everything else)."""
    pal = QPalette()
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, t.window), (roles.WindowText, t.text), (roles.Base, t.raised),
                         (roles.AlternateBase, t.panel), (roles.Text, t.text), (roles.Button, t.raised),
                         (roles.ButtonText, t.text), (roles.Highlight, t.accent),
                         (roles.HighlightedText, t.accent_text), (roles.PlaceholderText, t.faint),
                         (roles.ToolTipBase, t.raised), (roles.ToolTipText, t.text), (roles.Link, t.accent),
                         (roles.Mid, t.border), (roles.Midlight, t.hover), (roles.Dark, t.panel)):
        pal.setColor(role, QColor(colour))
    app.setPalette(pal)
    app.setFont(ui_font(10))
    app.setStyleSheet(style_sheet(t))


__all__ = ["THEME_NAMES", "Theme", "apply_theme", "load_theme", "mono_font", "style_sheet", "ui_font"]
