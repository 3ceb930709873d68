import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ionflux.core.blocks import Blocks
from ionflux.core.chat import Chat
from ionflux.core.context import Context
from ionflux.core.errors import ValidationError
from ionflux.core.pages import Pages
from ionflux.core.search import Search, fts_query


def test_finds_pages_blocks_messages_and_prompts_ranked(demo: Context, demo_ws: uuid.UUID) -> None:
    general = Chat(demo).channel(demo_ws, "general")
    Chat(demo).post(general.id, "the holiday bundle sold out twice")
    page = Pages(demo).create(demo_ws, "Holiday bundle holiday bundle")
    Blocks(demo).create(page.id, "text", {"markdown_text": "bundle pricing for the holiday week"})
    hits = Search(demo).query("holiday bundle")
    assert {h.kind for h in hits} == {"page", "block", "message"}
    assert hits[0].kind == "page"  # title matches weigh more
    assert "[holiday]" in hits[0].title.lower()
    assert {h.kind for h in Search(demo).query("exciting promo")} == {"prompt"}


def test_prefix_of_last_word_and_diacritics(demo: Context, demo_ws: uuid.UUID) -> None:
    general = Chat(demo).channel(demo_ws, "general")
    Chat(demo).post(general.id, "Café opening in São Paulo")
    assert len(Search(demo).query("sao pau")) == 1
    assert len(Search(demo).query("cafe")) == 1


def test_index_follows_edits_deletes_and_archive(demo: Context, demo_ws: uuid.UUID) -> None:
    search = Search(demo)
    page = Pages(demo).create(demo_ws, "Zephyr plans")
    assert [h.id for h in search.query("zephyr")] == [page.id]
    Pages(demo).rename(page.id, "Mistral plans")
    assert search.query("zephyr") == [] and len(search.query("mistral")) == 1
    Pages(demo).archive(page.id)
    assert search.query("mistral") == []
    Pages(demo).restore(page.id)
    Pages(demo).delete(page.id)
    assert search.query("mistral") == []


def test_query_with_only_symbols_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="at least one word"):
        fts_query('"*()')
    assert fts_query('AND OR "xy') == '"AND" "OR" "xy"*'
    assert fts_query('report q') == '"report" "q"'


def test_scoped_to_a_workspace(demo: Context, demo_ws: uuid.UUID) -> None:
    assert Search(demo).query("campaign", workspace_id=uuid.uuid4()) == []
    assert Search(demo).query("campaign", workspace_id=demo_ws)


WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.sampled_from(["post", "edit", "page", "rename", "delete"]),
                              st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)), min_size=1, max_size=12),
       probe=st.sampled_from(WORDS))
def test_search_agrees_with_the_data(demo: Context, demo_ws: uuid.UUID, ops: list, probe: str) -> None:
    """Whatever the edits, a word is found exactly in the rows whose text contains it now."""
    chat, pages = Chat(demo), Pages(demo)
    general = chat.channel(demo_ws, "general")
    msgs: dict[uuid.UUID, str] = {}
    titles: dict[uuid.UUID, str] = {}
    for op, words in ops:
        text = " ".join(words)
        if op == "post":
            msgs[chat.post(general.id, text).id] = text
        elif op == "edit" and msgs:
            mid = sorted(msgs)[0]
            chat.edit(mid, text)
            msgs[mid] = text
        elif op == "page":
            titles[pages.create(demo_ws, text).id] = text
        elif op == "rename" and titles:
            pid = sorted(titles)[-1]
            pages.rename(pid, text)
            titles[pid] = text
        elif op == "delete" and titles:
            pid = sorted(titles)[0]
            pages.delete(pid)
            del titles[pid]
    expected = {i for i, t in {**msgs, **titles}.items() if probe in t.split()}
    found = {h.id for h in Search(demo).query(probe, limit=500) if h.kind in ("message", "page")}
    assert found == expected
    for pid in titles:  # leave the next example a clean slate
        pages.delete(pid)
    with demo.store.unit_of_work() as uow:
        from ionflux.core.models import ChatMessage

        for mid in msgs:
            uow.delete(uow.session.get(ChatMessage, mid))


def test_very_common_words_rank_within_the_most_recent_matches(demo: Context, demo_ws: uuid.UUID,
                                                                monkeypatch) -> None:
    import ionflux.core.search as search_module

    monkeypatch.setattr(search_module, "RANK_WINDOW", 5)
    general = Chat(demo).channel(demo_ws, "general")
    ids = [Chat(demo).post(general.id, f"weekly report number {i}").id for i in range(12)]
    hits = Search(demo).query("weekly report", limit=20)
    assert {h.id for h in hits} == set(ids[-5:])
