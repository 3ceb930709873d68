"""DDL of the local full-text index: an FTS5 table, a rowid map and the triggers that feed them.

Kept apart from the query code (``search.py``) because migrations call it: a later migration
that rebuilds a source table can drop and re-create the index from here.
"""

from __future__ import annotations

from sqlalchemy import Connection

# (kind, table, workspace expression, title expression, body expression, condition,
#  the columns whose change re-indexes the row)
_SOURCES = (
    (
        "page",
        "canvas_pages",
        "{r}.workspace_id",
        "{r}.title",
        "''",
        "{r}.status != 'archived'",
        "title, status, workspace_id",
    ),
    (
        "block",
        "canvas_blocks",
        "(SELECT workspace_id FROM canvas_pages WHERE id = {r}.page_id)",
        "coalesce(json_extract({r}.content_json, '$.title_text'), '')",
        "coalesce(json_extract({r}.content_json, '$.markdown_text'), '')",
        "1",
        "content_json, page_id",
    ),
    (
        "message",
        "chat_messages",
        "(SELECT workspace_id FROM chat_channels WHERE id = {r}.channel_id)",
        "''",
        "coalesce(json_extract({r}.content_json, '$.text_body'), '')",
        "1",
        "content_json, channel_id",
    ),
    (
        "prompt",
        "prompts",
        "(SELECT workspace_id FROM prompt_libraries WHERE id = {r}.library_id)",
        "{r}.name",
        "{r}.prompt_text",
        "1",
        "name, prompt_text, library_id",
    ),
)


def _index_row(kind: str, ws: str, title: str, body: str, cond: str, r: str) -> str:
    f = {"r": r}
    return (
        f"INSERT INTO search_refs(kind, ref_id, workspace_id) SELECT '{kind}', {r}.id, {ws.format(**f)} "
        f"WHERE {cond.format(**f)};\n"
        f"  INSERT INTO search_index(rowid, title, body, scope) SELECT fts_rowid, {title.format(**f)}, "
        f"{body.format(**f)}, coalesce(workspace_id, '') FROM search_refs WHERE ref_id = {r}.id AND {cond.format(**f)};"
    )


def _unindex_row(r: str) -> str:
    return (
        f"DELETE FROM search_index WHERE rowid = (SELECT fts_rowid FROM search_refs WHERE ref_id = {r}.id);\n"
        f"  DELETE FROM search_refs WHERE ref_id = {r}.id;"
    )


def create_search_index(conn: Connection) -> None:
    """Create the index and its triggers, and index every existing row."""
    conn.exec_driver_sql(
        "CREATE TABLE search_refs (fts_rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
        "ref_id CHAR(32) NOT NULL UNIQUE, workspace_id CHAR(32))"
    )
    conn.exec_driver_sql("CREATE INDEX idx_search_refs_workspace ON search_refs(workspace_id)")
    conn.exec_driver_sql(
        "CREATE VIRTUAL TABLE search_index USING fts5(title, body, scope, prefix = '2 3', "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    # Titles weigh four times the body; scope (the workspace id, for filtering) not at all.
    conn.exec_driver_sql("INSERT INTO search_index(search_index, rank) VALUES ('rank', 'bm25(4.0, 1.0, 0.0)')")
    for kind, table, ws, title, body, cond, watched in _SOURCES:
        conn.exec_driver_sql(
            f"CREATE TRIGGER search_{table}_ai AFTER INSERT ON {table} BEGIN\n"
            f"  {_index_row(kind, ws, title, body, cond, 'NEW')}\nEND"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER search_{table}_ad AFTER DELETE ON {table} BEGIN\n  {_unindex_row('OLD')}\nEND"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER search_{table}_au AFTER UPDATE OF {watched} ON {table} BEGIN\n"
            f"  {_unindex_row('OLD')}\n  {_index_row(kind, ws, title, body, cond, 'NEW')}\nEND"
        )
        row = "src"
        conn.exec_driver_sql(
            f"INSERT INTO search_refs(kind, ref_id, workspace_id) SELECT '{kind}', {row}.id, "
            f"{ws.format(r=row)} FROM {table} AS {row} WHERE {cond.format(r=row)}"
        )
        conn.exec_driver_sql(
            f"INSERT INTO search_index(rowid, title, body, scope) SELECT m.fts_rowid, {title.format(r=row)}, "
            f"{body.format(r=row)}, coalesce(m.workspace_id, '') FROM {table} AS {row} "
            f"JOIN search_refs m ON m.ref_id = {row}.id"
        )


def drop_search_index(conn: Connection) -> None:
    for _kind, table, *_ in _SOURCES:
        for suffix in ("ai", "ad", "au"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS search_{table}_{suffix}")
    conn.exec_driver_sql("DROP TABLE IF EXISTS search_index")
    conn.exec_driver_sql("DROP TABLE IF EXISTS search_refs")
