"""The one module that imports PySide6, and what it adjusts there."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("mentions", [True, False])
def test_modules_imported_after_qt_are_still_told_apart_for_pyside_features(tmp_path: Path, mentions: bool,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import ionflux.ui.qt  # noqa: F401  (installs the quicker check)

    feature = sys.modules["shibokensupport.feature"]
    assert getattr(feature._mod_uses_pyside, "quick", False)
    name = f"ionflux_probe_{'qt' if mentions else 'plain'}"
    body = "from PySide6 import QtCore  # noqa\n" if mentions else "VALUE = 1\n"
    (tmp_path / f"{name}.py").write_text(body, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__(name)  # the import statement's way: PySide6 watches builtins.__import__
    assert feature.pyside_feature_dict[name] == (0 if mentions else -1)  # as PySide6's own check decides
