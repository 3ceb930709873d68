"""Images and link previews for blocks: loaded off the GUI thread, cached in the data folder, offline-safe.

The network is reached through a ``fetch(url) -> bytes`` function the composition root passes
in (the UI itself does no HTTP). A fetched file is kept under ``<data_dir>/cache/media`` and
used from there afterwards, so pictures stay visible offline.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

from ionflux.ui.ops import OpRunner
from ionflux.ui.qt import QBuffer, QByteArray, QImage, QImageReader, QObject, QPixmap, Qt, Signal

Fetch = Callable[[str], bytes]
MAX_PIXMAPS = 64
MAX_SIDE = 1600
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def decode(data: bytes) -> QImage | None:
    """Decode a picture on the GUI thread, at most MAX_SIDE pixels a side (JPEGs decode scaled, cheaply).

    Bytes are read off the GUI thread, but decoding stays on it: PySide6 6.12 on Python 3.11 is not
    safe to call from worker threads while the GUI runs (see ionflux.ui.ops).
    """
    raw = QByteArray(data)
    buffer = QBuffer(raw)  # kept referenced: the reader does not own its device
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > MAX_SIDE:
        reader.setScaledSize(size.scaled(MAX_SIDE, MAX_SIDE, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


def cache_name(url: str) -> str:
    suffix = Path(urlparse(url).path).suffix.lower()
    return hashlib.sha256(url.encode()).hexdigest()[:32] + (suffix if suffix in (".png", ".jpg", ".jpeg", ".gif",
                                                                                  ".webp", ".svg") else "")


class MediaCache(QObject):
    """Pictures by source (URL or file path) and page titles by URL.

    Signals:
        ready(str): a source finished loading (or failed); items showing it repaint.
    """

    ready = Signal(str)

    def __init__(self, ops: OpRunner, cache_dir: Path, fetch: Fetch | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.cache_dir = cache_dir
        self.fetch = fetch
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._images: dict[str, QImage] = {}
        self.failed: dict[str, str] = {}
        self._loading: set[str] = set()
        self._titles: dict[str, str | None] = {}

    # -- pictures ------------------------------------------------------------------------------

    def pixmap(self, source: str) -> QPixmap | None:
        """The picture if loaded; otherwise starts loading it and returns None."""
        if source in self._pixmaps:
            self._pixmaps.move_to_end(source)
            return self._pixmaps[source]
        if source in self._images:
            pix = QPixmap.fromImage(self._images.pop(source))
            self._pixmaps[source] = pix
            while len(self._pixmaps) > MAX_PIXMAPS:
                self._pixmaps.popitem(last=False)
            return pix
        if source not in self._loading and source not in self.failed:
            self._loading.add(source)
            self.ops.run(lambda: self._bytes(source), label="loading an image",
                         on_success=lambda data: self._loaded(source, decode(data)),
                         on_failure=lambda exc: self._loaded(source, None, str(exc)))
        return None

    def state(self, source: str) -> str:
        if source in self._pixmaps or source in self._images:
            return "ready"
        if source in self.failed:
            return "failed"
        return "loading"

    def _bytes(self, source: str) -> bytes:
        parsed = urlparse(source)
        if parsed.scheme in ("http", "https"):
            cached = self.cache_dir / cache_name(source)
            if cached.exists():
                return cached.read_bytes()
            if self.fetch is None:
                raise ConnectionError("offline")
            data = self.fetch(source)
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(cached.suffix + ".part")
            tmp.write_bytes(data)
            tmp.replace(cached)
            return data
        path = Path(parsed.path if parsed.scheme == "file" else source).expanduser()
        return path.read_bytes()

    def _loaded(self, source: str, image: QImage | None, error: str | None = None) -> None:
        self._loading.discard(source)
        if image is None:
            self.failed[source] = error or "not a picture IONFLUX can show"
        else:
            self._images[source] = image
        self.ready.emit(source)

    def put(self, source: str, image: QImage) -> None:
        """Add a picture made in-process (screenshots, tests)."""
        self._images[source] = image
        self.failed.pop(source, None)
        self.ready.emit(source)

    # -- link titles ---------------------------------------------------------------------------

    def page_title(self, url: str) -> str | None:
        """The page's <title> once known (cached on disk); None while loading or offline."""
        if url in self._titles:
            return self._titles[url]
        self._titles[url] = None
        self.ops.run(lambda: self._read_title(url), label="reading a link title",
                     on_success=lambda title: self._titled(url, title), on_failure=lambda _exc: None)
        return None

    def _read_title(self, url: str) -> str | None:
        index = self.cache_dir / "titles.json"
        titles = json.loads(index.read_text()) if index.exists() else {}
        if url in titles:
            return titles[url]
        if self.fetch is None:
            return None
        match = _TITLE.search(self.fetch(url)[:200_000])
        title = html.unescape(match.group(1).decode("utf-8", "replace")).strip()[:200] if match else None
        if title:
            titles[url] = title
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            index.write_text(json.dumps(titles))
        return title

    def _titled(self, url: str, title: str | None) -> None:
        if title:
            self._titles[url] = title
            self.ready.emit(url)
