import uuid

import pytest

from ionflux.core.context import Context
from ionflux.core.errors import NotFoundError, ValidationError
from ionflux.core.models import PageStatus
from ionflux.core.pages import Pages


def test_nesting_and_tree_order(demo: Context, demo_ws: uuid.UUID) -> None:
    pages = Pages(demo)
    q4 = pages.find(demo_ws, "Q4 Campaign Planning")
    week = pages.create(demo_ws, "Launch Week", parent_id=q4.id)
    pages.create(demo_ws, "Day 1", parent_id=week.id)
    pages.create(demo_ws, "Archive notes")
    tree = [(p.title, d) for p, d in pages.tree(demo_ws)]
    assert tree == [("Archive notes", 0), ("Q4 Campaign Planning", 0), ("Launch Week", 1), ("Day 1", 2)]


def test_move_under_itself_or_a_descendant_is_refused(demo: Context, demo_ws: uuid.UUID) -> None:
    pages = Pages(demo)
    a = pages.create(demo_ws, "A")
    b = pages.create(demo_ws, "B", parent_id=a.id)
    with pytest.raises(ValidationError, match="under itself"):
        pages.move(a.id, b.id)
    with pytest.raises(ValidationError):
        pages.move(a.id, a.id)
    pages.move(b.id, None)
    assert pages.get(b.id).parent_page_id is None


def test_archive_hides_a_page_and_its_children_and_restore_brings_them_back(demo: Context,
                                                                             demo_ws: uuid.UUID) -> None:
    pages = Pages(demo)
    a = pages.create(demo_ws, "A")
    pages.create(demo_ws, "B", parent_id=a.id)
    pages.archive(a.id)
    assert {p.title for p in pages.list(demo_ws)} == {"Q4 Campaign Planning"}
    assert {p.status for p in pages.list(demo_ws, include_archived=True) if p.title in "AB"} == {PageStatus.ARCHIVED}
    pages.restore(a.id)
    assert {p.title for p in pages.list(demo_ws)} == {"Q4 Campaign Planning", "A", "B"}


def test_delete_moves_children_to_top_level(demo: Context, demo_ws: uuid.UUID) -> None:
    pages = Pages(demo)
    a = pages.create(demo_ws, "A")
    b = pages.create(demo_ws, "B", parent_id=a.id)
    pages.delete(a.id)
    assert pages.get(b.id).parent_page_id is None
    with pytest.raises(NotFoundError):
        pages.get(a.id)


def test_parent_must_be_in_the_same_workspace(demo: Context, demo_ws: uuid.UUID) -> None:
    with pytest.raises(NotFoundError, match="in this workspace"):
        Pages(demo).create(demo_ws, "Orphan", parent_id=uuid.uuid4())


@pytest.mark.parametrize("title", ["", "   ", "two\nlines", "x" * 201])
def test_bad_titles(demo: Context, demo_ws: uuid.UUID, title: str) -> None:
    with pytest.raises(ValidationError) as err:
        Pages(demo).create(demo_ws, title)
    assert err.value.where == "title"


def test_find_with_duplicate_titles_is_ambiguous(demo: Context, demo_ws: uuid.UUID) -> None:
    Pages(demo).create(demo_ws, "Notes")
    Pages(demo).create(demo_ws, "Notes")
    with pytest.raises(ValidationError, match="several pages"):
        Pages(demo).find(demo_ws, "Notes")


def test_reorder_siblings_and_move_between_parents(demo: Context, demo_ws: uuid.UUID) -> None:
    pages = Pages(demo)
    q4 = pages.find(demo_ws, "Q4 Campaign Planning")
    a, b, c = (pages.create(demo_ws, t, parent_id=q4.id) for t in ("Alpha", "Bravo", "Charlie"))
    pages.reorder(c.id, q4.id, 0)
    assert [p.title for p, d in pages.tree(demo_ws) if d == 1] == ["Charlie", "Alpha", "Bravo"]
    pages.reorder(a.id, None, 0)
    assert [(p.title, d) for p, d in pages.tree(demo_ws)] == [
        ("Alpha", 0), ("Q4 Campaign Planning", 0), ("Charlie", 1), ("Bravo", 1)]
    _ = b
