"""Whose voice is guarded (a brand, a creator or a bare persona id) and the content to check (text or a URL)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import httpx

from ionflux.core.context import Context
from ionflux.core.profiles import Brands, Creators

MAX_FETCH_BYTES = 500_000
_TEXT_TYPES = ("text/html", "text/plain", "application/xhtml+xml")


@dataclass(frozen=True)
class Persona:
    """A persona: its id (as given), what it is, its name and its written voice guidelines."""

    persona_id: str
    kind: str  # "brand", "creator" or "persona" (no profile in the workspace)
    name: str
    guidelines: str
    profile_id: uuid.UUID | None = None


def resolve(ctx: Context, workspace_id: uuid.UUID, ident: str, guidelines: str | None = None) -> Persona:
    """The brand or creator ``ident`` names (id, name or persona namespace id), else a bare persona."""
    key = ident.strip()
    for kind, service in (("brand", Brands(ctx)), ("creator", Creators(ctx))):
        for profile in service.list(workspace_id):
            if key in (str(profile.id), profile.persona_guardian_namespace_id) or key.lower() == profile.name.lower():
                if kind == "brand":
                    text = profile.brand_voice_guidelines_text or ""
                else:
                    tags = ", ".join(profile.niche_tags_array or [])
                    text = " ".join(p for p in (profile.bio_text, f"Niches: {tags}." if tags else "") if p)
                return Persona(key, kind, profile.name, (guidelines or text or "").strip(), profile.id)
    return Persona(key, "persona", key, (guidelines or "").strip())


class _Text(HTMLParser):
    """The readable text of a page: paragraphs, headings, list items and the description meta tags."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "nav", "footer"):
            self._skip += 1
        if tag == "meta":
            a = dict(attrs)
            if a.get("property") in ("og:description",) or a.get("name") == "description":
                self.parts.append(a.get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "nav", "footer") and self._skip:
            self._skip -= 1
        if tag in ("p", "h1", "h2", "h3", "li", "br", "div"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def fetch_text(url: str, *, timeout_s: float = 10.0, client: Any = None) -> tuple[str | None, str]:
    """The text behind ``url`` and a note on where it came from, or (None, why it cannot be analysed)."""
    http = client or httpx.Client(timeout=timeout_s, follow_redirects=True)
    try:
        with http.stream("GET", url, headers={"User-Agent": "IONFLUX Persona Guardian"}) as response:
            kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if response.status_code >= 400:
                return None, f"{url} answered HTTP {response.status_code}"
            if kind.startswith(("image/", "video/", "audio/")):
                return None, f"{url} is {kind}: images, video and audio are not analysed by this build, only text"
            if kind not in _TEXT_TYPES:
                return None, f"{url} is {kind or 'of an unknown type'}, not a text or web page"
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_FETCH_BYTES:
                    break
    except httpx.HTTPError as exc:
        return None, f"{url} could not be fetched ({exc.__class__.__name__})"
    finally:
        if client is None:
            http.close()
    text = body.decode(response.encoding or "utf-8", errors="replace")
    if kind != "text/plain":
        parser = _Text()
        parser.feed(text)
        text = " ".join(parser.parts)
    text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    if not text:
        return None, f"{url} holds no readable text"
    return text[:5000], f"text fetched from {url}"
