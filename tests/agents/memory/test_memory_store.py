"""The memory store remembers, finds, forgets, persists and keeps namespaces apart, on real chroma."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ionflux.agents.memory import Embedder, MemoryHit, MemoryStore
from ionflux.agents.memory.errors import MemoryInputError, MemoryStoreError
from ionflux.agents.memory.store import MAX_ITEMS_PER_CALL, MAX_TEXT_CHARS
from ionflux.core.errors import IonfluxError, ValidationError

NS = "workspace/7 agent:support"
FACTS = [
    "The checkout page fails to load",
    "Customers cannot complete payment",
    "The cat sleeps on the sofa",
    "Our spring campaign launches on TikTok in April",
    "The sponsor contract must be reviewed by legal",
]
KINDS = ["bug", "bug", "note", "plan", "plan"]


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[MemoryStore]:
    """One store for the read-only error cases: opening chroma per case costs ~0.2 s."""
    with MemoryStore(tmp_path_factory.mktemp("shared") / "memory", embedder=embedder) as opened:
        yield opened


def fill(store: MemoryStore, namespace: str = NS) -> list[str]:
    ids = [f"fact-{i}" for i in range(len(FACTS))]
    metas = [{"kind": kind, "rank": i} for i, kind in enumerate(KINDS)]
    assert store.add(namespace, FACTS, ids=ids, metadatas=metas) == ids
    return ids


def test_add_then_query_finds_the_related_items_first(memory_store: MemoryStore) -> None:
    fill(memory_store)
    hits = memory_store.query(NS, "customers are unable to pay at checkout", k=5)
    assert [hit.text for hit in hits[:2]] == [FACTS[1], FACTS[0]]
    assert all(isinstance(hit, MemoryHit) for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert hits[1].score - hits[2].score > 0.25  # a clear gap between related and unrelated
    assert hits[0].metadata == {"kind": "bug", "rank": 1}


def test_score_is_cosine_similarity(memory_store: MemoryStore, embedder: Embedder) -> None:
    fill(memory_store)
    hit = memory_store.query(NS, FACTS[3], k=1)[0]
    assert hit.id == "fact-3"
    assert hit.score == pytest.approx(1.0, abs=1e-4)
    query, other = embedder.embed(["legal review of contracts", FACTS[4]])
    top = memory_store.query(NS, "legal review of contracts", k=1)[0]
    assert top.id == "fact-4"
    assert top.score == pytest.approx(float(query @ other), abs=1e-4)


def test_generated_ids_and_several_queries_at_once(memory_store: MemoryStore) -> None:
    ids = memory_store.add(NS, FACTS[:2])
    assert len(ids) == 2 and len(set(ids)) == 2
    answers = memory_store.query(NS, ["checkout broken", "payment failed"], k=1)
    assert [[hit.id for hit in hits] for hits in answers] == [[ids[0]], [ids[1]]]


def test_k_larger_than_the_namespace_returns_everything(memory_store: MemoryStore) -> None:
    fill(memory_store)
    assert len(memory_store.query(NS, "anything", k=50)) == len(FACTS)


def test_adding_an_existing_id_replaces_the_item(memory_store: MemoryStore) -> None:
    fill(memory_store)
    memory_store.add(NS, ["The cat now sleeps in the garden"], ids=["fact-2"], metadatas=[{"kind": "note"}])
    assert memory_store.count(NS) == len(FACTS)
    hit = memory_store.query(NS, "where does the cat sleep", k=1)[0]
    assert (hit.id, hit.text, hit.metadata) == ("fact-2", "The cat now sleeps in the garden", {"kind": "note"})


def test_count_and_delete(memory_store: MemoryStore) -> None:
    assert memory_store.count(NS) == 0
    fill(memory_store)
    assert memory_store.count(NS) == 5
    assert memory_store.delete(NS, ids=["fact-0", "no-such-id"]) == 1
    assert memory_store.delete(NS, where={"kind": "plan"}) == 2
    assert memory_store.delete(NS, ids=["fact-1", "fact-2"], where={"kind": "note"}) == 1
    assert [hit.id for hit in memory_store.query(NS, "payment", k=5)] == ["fact-1"]
    assert memory_store.count(NS) == 1
    assert memory_store.delete("never used", ids=["x"]) == 0


def test_metadata_filter(memory_store: MemoryStore) -> None:
    fill(memory_store)
    bugs = memory_store.query(NS, "the cat", k=5, where={"kind": "bug"})
    assert {hit.id for hit in bugs} == {"fact-0", "fact-1"}
    late_plans = memory_store.query(NS, "anything", k=5, where={"$and": [{"kind": "plan"}, {"rank": {"$gte": 4}}]})
    assert [hit.id for hit in late_plans] == ["fact-4"]
    assert memory_store.query(NS, "anything", where={"kind": "nothing-matches"}) == []


def test_namespaces_are_isolated_even_with_identical_texts(memory_store: MemoryStore) -> None:
    a, b = "tenant-A", "tenant-B"
    memory_store.add(a, FACTS, ids=[f"a{i}" for i in range(5)], metadatas=[{"owner": "A"}] * 5)
    memory_store.add(b, FACTS, ids=[f"b{i}" for i in range(5)], metadatas=[{"owner": "B"}] * 5)
    memory_store.add(b, ["Only B knows the vault code"], ids=["b-secret"])
    for text in [*FACTS, "vault code"]:
        hits = memory_store.query(a, text, k=10)
        assert all(hit.id.startswith("a") and hit.metadata == {"owner": "A"} for hit in hits)
    assert memory_store.count(a) == 5 and memory_store.count(b) == 6
    assert memory_store.delete(a, ids=["b0", "b-secret"]) == 0  # B's ids mean nothing in A
    assert memory_store.delete(a, where={"owner": "B"}) == 0
    assert memory_store.drop(a) is True
    assert memory_store.count(b) == 6 and memory_store.count(a) == 0
    assert memory_store.query(a, "vault code") == []


def test_similar_looking_namespaces_stay_apart(memory_store: MemoryStore) -> None:
    names = ["Team", "team", "a b", "a-b", "a/b", "ünïcode/ns", "x" * 200]
    for name in names:
        memory_store.add(name, [f"memory of {name}"], ids=["same-id"])
    assert memory_store.namespaces() == sorted(names)
    for name in names:
        assert [hit.text for hit in memory_store.query(name, "memory", k=10)] == [f"memory of {name}"]


def test_query_and_count_do_not_create_namespaces(memory_store: MemoryStore) -> None:
    assert memory_store.query("ghost", "hello") == []
    assert memory_store.query("ghost", ["hello", "again"]) == [[], []]
    assert memory_store.count("ghost") == 0
    assert memory_store.namespaces() == []
    assert memory_store.drop("ghost") is False


def test_memory_survives_a_restart(memory_path: Path, embedder: Embedder) -> None:
    with MemoryStore(memory_path, embedder=embedder) as first:
        fill(first)
        fill(first, "second namespace")
        before = first.query(NS, "payment problems", k=3)
    with MemoryStore(memory_path, embedder=embedder) as reopened:
        assert reopened.namespaces() == sorted([NS, "second namespace"])
        assert reopened.count(NS) == len(FACTS)
        after = reopened.query(NS, "payment problems", k=3)
        assert [(h.id, h.text, h.metadata) for h in after] == [(h.id, h.text, h.metadata) for h in before]
        assert [h.score for h in after] == pytest.approx([h.score for h in before], abs=1e-5)


def test_a_namespace_made_by_another_model_is_refused(memory_store: MemoryStore, embedder: Embedder) -> None:
    class OtherModel(Embedder):
        model_id = "some-other-model"

    with MemoryStore(memory_store.path, embedder=OtherModel()) as other:
        vectors = np.eye(384, dtype=np.float32)[:2]
        other.add("legacy", ["one", "two"], embeddings=vectors)
    with pytest.raises(MemoryStoreError, match="re-index"):
        memory_store.query("legacy", "one")


def test_precomputed_embeddings(memory_store: MemoryStore, embedder: Embedder) -> None:
    vectors = embedder.embed(FACTS)
    memory_store.add(NS, FACTS, ids=[f"p{i}" for i in range(5)], embeddings=vectors * 3.0)  # renormalised
    assert memory_store.query(NS, FACTS[2], k=1)[0].score == pytest.approx(1.0, abs=1e-4)
    with pytest.raises(MemoryInputError, match="shape"):
        memory_store.add(NS, FACTS[:2], embeddings=vectors)


def test_threads_can_share_a_store(memory_store: MemoryStore) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for round_ in range(3):
                memory_store.add(NS, [f"worker {worker} round {round_} note"], ids=[f"w{worker}-{round_}"])
                memory_store.query(NS, f"worker {worker}", k=2)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert memory_store.count(NS) == 12


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda s: s.add(NS, [""]), "text is empty"),
        (lambda s: s.add(NS, ["   \n"]), "text is empty"),
        (lambda s: s.add(NS, []), "at least one text"),
        (lambda s: s.add(NS, "not a list"), "list of strings"),
        (lambda s: s.add(NS, ["ok", 5]), "must be a string"),
        (lambda s: s.add(NS, ["x"] * (MAX_ITEMS_PER_CALL + 1)), "too many items"),
        (lambda s: s.add(NS, ["x" * (MAX_TEXT_CHARS + 1)]), "split it into chunks"),
        (lambda s: s.add(NS, ["a", "b"], ids=["1"]), "1 ids for 2 texts"),
        (lambda s: s.add(NS, ["a", "b"], ids=["1", "1"]), "repeat"),
        (lambda s: s.add(NS, ["a"], ids=[""]), "non-empty string"),
        (lambda s: s.add(NS, ["a"], metadatas=[{"k": {"nested": 1}}]), "str, int, float or bool"),
        (lambda s: s.add(NS, ["a"], metadatas=[{"k": None}]), "str, int, float or bool"),
        (lambda s: s.add(NS, ["a"], metadatas={"k": 1}), "one mapping"),
        (lambda s: s.add("", ["a"]), "namespace is empty"),
        (lambda s: s.add(" padded ", ["a"]), "leading or trailing"),
        (lambda s: s.add("x" * 201, ["a"]), "limit is 200"),
        (lambda s: s.add("bad\nname", ["a"]), "control characters"),
        (lambda s: s.add(42, ["a"]), "namespace must be a string"),
        (lambda s: s.query(NS, ""), "text is empty"),
        (lambda s: s.query(NS, "x", k=0), "k must be"),
        (lambda s: s.query(NS, "x", k=101), "k must be"),
        (lambda s: s.query(NS, "x", k=True), "k must be"),
        (lambda s: s.query(NS, "x", where={}), "non-empty mapping"),
        (lambda s: s.delete(NS), "use drop"),
        (lambda s: s.count(""), "namespace is empty"),
    ],
)
def test_bad_input_gives_a_clear_error(shared_store: MemoryStore, call, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MemoryInputError, match=match) as caught:
        call(shared_store)
    assert isinstance(caught.value, ValidationError)
    assert isinstance(caught.value, IonfluxError)
    assert caught.value.where


def test_malformed_filter_from_chroma_becomes_an_input_error(memory_store: MemoryStore) -> None:
    fill(memory_store)
    with pytest.raises(MemoryInputError, match=r"\$bad"):
        memory_store.query(NS, "x", where={"kind": {"$bad": 1}})
    assert memory_store.count(NS) == len(FACTS)


def test_closed_store_and_unusable_folder(memory_path: Path, embedder: Embedder, tmp_path: Path) -> None:
    opened = MemoryStore(memory_path, embedder=embedder)
    opened.close()
    opened.close()  # idempotent
    with pytest.raises(MemoryStoreError, match="closed"):
        opened.count(NS)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(MemoryStoreError):
        MemoryStore(blocker / "memory", embedder=embedder)
