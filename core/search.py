"""Full-text search over pages, blocks, chat messages and prompts (SQLite FTS5, ranked by BM25).

Cost is bounded: when a query matches more than :data:`RANK_WINDOW` rows, ranking considers
the most recent :data:`RANK_WINDOW` matches only (FTS rowids grow with time), the way chat
search usually behaves. A query therefore costs about the same on 10k or 10M messages.
Snippets are computed for the final page of results only.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select, text

from ionflux.core.context import Context
from ionflux.core.errors import ValidationError
from ionflux.core.models import CanvasBlock, CanvasPage, ChatChannel, ChatMessage, Prompt, PromptLibrary

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_TERMS = 16
RANK_WINDOW = 2000

_THRESHOLD = text("SELECT rowid FROM search_index WHERE search_index MATCH :q ORDER BY rowid DESC "
                  "LIMIT 1 OFFSET :window")
_TOP = text("SELECT rowid FROM search_index WHERE search_index MATCH :q AND rowid > :after "
            "ORDER BY rank LIMIT :limit")
_DETAILS = ("SELECT search_index.rowid AS rowid, r.kind, r.ref_id, r.workspace_id, rank AS score, "
            "highlight(search_index, 0, '[', ']') AS title, snippet(search_index, 1, '[', ']', '…', 16) AS snippet "
            "FROM search_index JOIN search_refs r ON r.fts_rowid = search_index.rowid "
            "WHERE search_index MATCH :q AND search_index.rowid IN ({ids})")


@dataclass(frozen=True)
class SearchHit:
    """One result: what it is, where it lives, and the matching text with [marks]."""

    kind: str
    id: uuid.UUID
    workspace_id: uuid.UUID | None
    title: str
    snippet: str
    score: float
    context: str

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["id"] = str(self.id)
        d["workspace_id"] = str(self.workspace_id) if self.workspace_id else None
        return d


def fts_query(query: str, workspace_id: uuid.UUID | None = None) -> str:
    """A user's words as an FTS5 expression: every word must appear.

    The last word (two letters or more) may be the start of a word, as people type.

    Raises:
        ValidationError: the query has no words.
    """
    words = _WORD.findall(query or "")[:MAX_QUERY_TERMS]
    if not words:
        raise ValidationError("type at least one word to search for", where="query")
    quoted = [f'"{w}"' for w in words]
    if len(words[-1]) >= 2:
        quoted[-1] += "*"
    expr = " ".join(quoted)
    if workspace_id is not None:
        expr = f'scope : "{workspace_id.hex}" AND ({expr})'
    return expr


class Search:
    """Ranked full-text search, kept in step with the data by triggers in the same transaction."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def query(self, query: str, *, workspace_id: uuid.UUID | None = None, limit: int = 20) -> list[SearchHit]:
        q = fts_query(query, workspace_id)
        limit = max(1, min(limit, 500))
        with self.ctx.store.read() as s:
            after = s.execute(_THRESHOLD, {"q": q, "window": RANK_WINDOW}).scalar() or 0
            ids = [row[0] for row in s.execute(_TOP, {"q": q, "after": after, "limit": limit})]
            if not ids:
                return []
            details = {r.rowid: r for r in s.execute(text(_DETAILS.format(ids=",".join(map(str, ids)))), {"q": q})}
            rows = [details[i] for i in ids if i in details]
            contexts = _contexts(s, rows)
        return [
            SearchHit(kind=r.kind, id=uuid.UUID(r.ref_id), workspace_id=uuid.UUID(r.workspace_id) if r.workspace_id
                      else None, title=r.title or "", snippet=r.snippet or "", score=-float(r.score),
                      context=contexts.get(r.ref_id, ""))
            for r in rows
        ]


def _contexts(session: Any, rows: list[Any]) -> dict[str, str]:
    """Where each hit lives, for display: the page of a block, the channel of a message..."""
    by_kind: dict[str, list[uuid.UUID]] = {}
    for r in rows:
        by_kind.setdefault(r.kind, []).append(uuid.UUID(r.ref_id))
    out: dict[str, str] = {}
    if ids := by_kind.get("page"):
        for pid, title in session.execute(select(CanvasPage.id, CanvasPage.title).where(CanvasPage.id.in_(ids))):
            out[pid.hex] = f"page · {title}"
    if ids := by_kind.get("block"):
        q = (select(CanvasBlock.id, CanvasPage.title).join(CanvasPage, CanvasBlock.page_id == CanvasPage.id)
             .where(CanvasBlock.id.in_(ids)))
        for bid, title in session.execute(q):
            out[bid.hex] = f"block on {title}"
    if ids := by_kind.get("message"):
        q = (select(ChatMessage.id, ChatChannel.name).join(ChatChannel, ChatMessage.channel_id == ChatChannel.id)
             .where(ChatMessage.id.in_(ids)))
        for mid, name in session.execute(q):
            out[mid.hex] = f"message in #{name}"
    if ids := by_kind.get("prompt"):
        q = (select(Prompt.id, PromptLibrary.name).join(PromptLibrary, Prompt.library_id == PromptLibrary.id)
             .where(Prompt.id.in_(ids)))
        for prid, name in session.execute(q):
            out[prid.hex] = f"prompt in {name}"
    return out
