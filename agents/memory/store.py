"""Persistent, namespaced semantic memory for agents, on chromadb with locally computed vectors."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

import numpy as np

from ionflux.agents.memory.embedder import Embedder, default_embedder
from ionflux.agents.memory.errors import MemoryInputError, MemoryStoreError
from ionflux.agents.memory.namespaces import COLLECTION_PREFIX, collection_name

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

#: Most texts (or ids) one call may carry; bigger imports go in several calls.
MAX_ITEMS_PER_CALL = 1000
#: Most query texts in one ``query`` call.
MAX_QUERY_TEXTS = 64
#: Largest ``k``.
MAX_K = 100
#: Longest text stored. Only the first ~256 tokens (~1,000 characters of English) shape the
#: vector, so longer documents should be chunked; this limit only stops accidents.
MAX_TEXT_CHARS = 20_000
#: Longest item id.
MAX_ID_CHARS = 200

_META_NAMESPACE = "ionflux:namespace"
_META_MODEL = "ionflux:model"
_META_DIMENSION = "ionflux:dimension"
_SCALARS = (str, int, float, bool)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class MemoryHit:
    """One remembered item returned by :meth:`MemoryStore.query`.

    Attributes:
        id: The item's id.
        text: The stored text.
        score: Cosine similarity to the query, from -1 to 1; higher is closer.
        metadata: The item's metadata (empty when it has none).
    """

    id: str
    text: str
    score: float
    metadata: dict[str, Any] = field(default_factory=dict)


class MemoryStore:
    """Semantic memory on disk: texts go in per namespace, nearest texts come out.

    Each namespace is its own chroma collection (cosine space), so a query in one
    namespace can never see another's items, even identical ones. Vectors are computed
    here by :class:`Embedder`, never by chroma, which keeps everything offline and the
    collections free of any embedding-function configuration.

    Thread safety: one instance may be shared by all threads. Embedding runs outside the
    lock (it is the slow part and thread-safe); every chroma call is serialised by an
    internal lock, since chroma does not document its local client as thread-safe. Open
    one store per folder per process: two processes writing the same folder is not
    supported by chroma's SQLite layer.

    Args:
        path: Folder of the database; created if missing.
        embedder: Embedder to use; defaults to the process-wide one.

    Raises:
        MemoryStoreError: The folder cannot be created or opened by chroma.
    """

    def __init__(self, path: str | Path, *, embedder: Embedder | None = None) -> None:
        self.path = Path(path)
        self.embedder = embedder or default_embedder()
        self._lock = threading.RLock()
        self._collections: dict[str, Collection] = {}
        self._client: ClientAPI | None = self._open(self.path)

    @staticmethod
    def _open(path: Path) -> ClientAPI:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MemoryStoreError(f"cannot create the memory folder: {exc.strerror or exc}", where=str(path)) from exc
        import chromadb  # lazy: about 1 s of imports the CLI should not pay for
        from chromadb.config import Settings

        try:
            return chromadb.PersistentClient(
                path=str(path), settings=Settings(anonymized_telemetry=False, allow_reset=False)
            )
        except Exception as exc:  # chroma raises plain Exceptions from its Rust core
            raise MemoryStoreError(f"cannot open the memory database: {exc}", where=str(path)) from exc

    # ----------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Release the database (idempotent). The store cannot be used afterwards."""
        with self._lock:
            client, self._client = self._client, None
            self._collections.clear()
        close = getattr(client, "close", None)  # chromadb >= 1.5; older ones free files on garbage collection
        if close is not None:
            close()

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ----------------------------------------------------------------- writing

    def add(
        self,
        namespace: str,
        texts: Sequence[str],
        ids: Sequence[str] | None = None,
        metadatas: Sequence[Mapping[str, Any] | None] | None = None,
        *,
        embeddings: np.ndarray | None = None,
    ) -> list[str]:
        """Remember texts in a namespace, replacing items whose ids already exist.

        Replacing makes re-indexing a document idempotent: pass stable ids (say
        ``"doc42#3"``) and adding it again replaces the old chunks, text, vector and
        metadata alike, instead of duplicating them. Both steps run under the store's
        lock, so other threads never see the item missing.

        Args:
            namespace: Where to store; created on first add.
            texts: Non-empty texts, at most :data:`MAX_ITEMS_PER_CALL`.
            ids: One unique id per text; random UUIDs when omitted.
            metadatas: One mapping (or ``None``) per text; values must be str, int,
                float or bool, so they can be filtered on with ``where``.
            embeddings: Vectors already computed by this same model (imports, benchmarks);
                skips embedding. Shape ``(len(texts), 384)``.

        Returns:
            The ids, in the order of ``texts``.

        Raises:
            MemoryInputError: Any argument breaks the rules above.
            EmbeddingModelError: The model cannot be loaded.
        """
        name = collection_name(namespace)
        texts = _check_texts(texts, "texts", MAX_ITEMS_PER_CALL)
        replace = ids is not None
        item_ids = _check_ids(ids, len(texts)) if replace else [uuid.uuid4().hex for _ in texts]
        metas = _check_metadatas(metadatas, len(texts))
        if embeddings is None:
            vectors = self.embedder.embed(texts)
        else:
            vectors = _check_embeddings(embeddings, len(texts), self.embedder.dimension)

        def write(col: Collection) -> None:
            if replace:
                # chroma's upsert merges old and new metadata; a replaced item must not keep stale keys
                col.delete(ids=item_ids)
            col.add(ids=item_ids, embeddings=vectors, documents=texts, metadatas=metas)  # type: ignore[arg-type]

        self._run(namespace, name, write, create=True)
        return item_ids

    def delete(self, namespace: str, ids: Sequence[str] | None = None, where: Mapping[str, Any] | None = None) -> int:
        """Forget items by id, by metadata filter, or both (items must then match both).

        Deleting everything needs :meth:`drop`: a call without ``ids`` or ``where`` is
        refused so a missing argument cannot wipe a namespace.

        Returns:
            How many items were removed (unknown ids are ignored).

        Raises:
            MemoryInputError: Neither ``ids`` nor ``where`` given, or either is malformed.
        """
        name = collection_name(namespace)
        if ids is None and where is None:
            raise MemoryInputError("delete() needs ids or where; use drop() to forget a whole namespace", where="ids")
        item_ids = _check_ids(ids, None) if ids is not None else None
        filt = _check_where(where)

        def remove(col: Collection) -> int:
            before = col.count()
            col.delete(ids=item_ids, where=filt)  # type: ignore[arg-type]
            return before - col.count()

        return self._run(namespace, name, remove, create=False, missing=0)

    def drop(self, namespace: str) -> bool:
        """Forget a whole namespace. Returns whether it existed."""
        name = collection_name(namespace)
        from chromadb.errors import NotFoundError

        with self._lock:
            client = self._require_client()
            self._collections.pop(name, None)
            try:
                client.delete_collection(name)
            except NotFoundError:
                return False
            except Exception as exc:
                raise MemoryStoreError(f"cannot drop the namespace: {exc}", where=namespace) from exc
        return True

    # ----------------------------------------------------------------- reading

    @overload
    def query(
        self, namespace: str, text_or_texts: str, k: int = 5, where: Mapping[str, Any] | None = None
    ) -> list[MemoryHit]: ...

    @overload
    def query(
        self, namespace: str, text_or_texts: Sequence[str], k: int = 5, where: Mapping[str, Any] | None = None
    ) -> list[list[MemoryHit]]: ...

    def query(
        self,
        namespace: str,
        text_or_texts: str | Sequence[str],
        k: int = 5,
        where: Mapping[str, Any] | None = None,
    ) -> list[MemoryHit] | list[list[MemoryHit]]:
        """The ``k`` items of a namespace closest in meaning to a text, best first.

        Args:
            namespace: Where to look; an unknown namespace simply has no hits.
            text_or_texts: One text, or a list of texts to search at once.
            k: How many hits per text, 1 to :data:`MAX_K`.
            where: A chroma metadata filter, e.g. ``{"kind": "note"}`` or
                ``{"$and": [{"kind": "note"}, {"year": {"$gte": 2024}}]}``.

        Returns:
            For one text, its hits; for a list, one list of hits per text.

        Raises:
            MemoryInputError: Empty text, bad ``k`` or malformed filter.
        """
        name = collection_name(namespace)
        single = isinstance(text_or_texts, str)
        texts = _check_texts([text_or_texts] if single else text_or_texts, "text_or_texts", MAX_QUERY_TEXTS)  # type: ignore[list-item]
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise MemoryInputError(f"k must be an integer from 1 to {MAX_K}, got {k!r}", where="k")
        filt = _check_where(where)
        vectors = self.embedder.embed(texts)

        def search(col: Collection) -> list[list[MemoryHit]]:
            result = col.query(
                query_embeddings=vectors,  # type: ignore[arg-type]
                n_results=k,
                where=filt,  # type: ignore[arg-type]
                include=["documents", "metadatas", "distances"],  # type: ignore[list-item]
            )
            return _hits(result)

        hits = self._run(namespace, name, search, create=False, missing=[[] for _ in texts])
        return hits[0] if single else hits

    def count(self, namespace: str) -> int:
        """How many items a namespace holds (0 if it does not exist)."""
        name = collection_name(namespace)
        return self._run(namespace, name, lambda col: col.count(), create=False, missing=0)

    def namespaces(self) -> list[str]:
        """Every namespace that exists in this store, sorted, exactly as given to :meth:`add`."""
        with self._lock:
            client = self._require_client()
            try:
                collections = client.list_collections()
            except Exception as exc:
                raise MemoryStoreError(f"cannot list the namespaces: {exc}", where=str(self.path)) from exc
        found = []
        for col in collections:
            meta = col.metadata or {}
            namespace = meta.get(_META_NAMESPACE)
            if col.name.startswith(COLLECTION_PREFIX) and isinstance(namespace, str):
                found.append(namespace)
        return sorted(found)

    # ----------------------------------------------------------------- internals

    def _require_client(self) -> ClientAPI:
        if self._client is None:
            raise MemoryStoreError("the memory store is closed", where=str(self.path))
        return self._client

    def _run(
        self,
        namespace: str,
        name: str,
        action: Callable[[Collection], T],
        *,
        create: bool,
        missing: T | None = None,
    ) -> T:
        """Run ``action`` on a namespace's collection under the lock.

        Collections are cached; if another handle dropped one meanwhile, chroma raises
        NotFoundError and the lookup is redone once. Without ``create``, a namespace that
        does not exist yields ``missing`` instead of creating an empty collection.
        """
        from chromadb.errors import NotFoundError

        with self._lock:
            for attempt in (0, 1):
                col = self._collection(namespace, name, create=create)
                if col is None:
                    return missing  # type: ignore[return-value]
                try:
                    return action(col)
                except NotFoundError:
                    self._collections.pop(name, None)
                    if attempt:
                        raise MemoryStoreError("the namespace vanished while in use", where=namespace) from None
                except ValueError as exc:  # chroma's word for malformed filters or metadata
                    raise MemoryInputError(str(exc), where=namespace) from exc
                except MemoryInputError:
                    raise
                except Exception as exc:
                    raise MemoryStoreError(f"memory operation failed: {exc}", where=namespace) from exc
        raise AssertionError("unreachable")

    def _collection(self, namespace: str, name: str, *, create: bool) -> Collection | None:
        """The collection for ``name`` (cached), created with our metadata when asked."""
        col = self._collections.get(name)
        if col is not None:
            return col
        client = self._require_client()
        from chromadb.errors import NotFoundError

        try:
            if create:
                col = client.get_or_create_collection(
                    name,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={
                        _META_NAMESPACE: namespace,
                        _META_MODEL: self.embedder.model_id,
                        _META_DIMENSION: self.embedder.dimension,
                    },
                    embedding_function=None,
                )
            else:
                col = client.get_collection(name, embedding_function=None)
        except NotFoundError:
            return None
        except Exception as exc:
            raise MemoryStoreError(f"cannot open the namespace: {exc}", where=namespace) from exc
        meta = col.metadata or {}
        if meta.get(_META_NAMESPACE) != namespace:
            raise MemoryStoreError(
                f"collection {name} belongs to namespace {meta.get(_META_NAMESPACE)!r}, not this one",
                where=namespace,
            )
        if meta.get(_META_MODEL) != self.embedder.model_id:
            raise MemoryStoreError(
                f"this namespace was embedded with model {meta.get(_META_MODEL)!r} but this build uses "
                f"{self.embedder.model_id!r}; its vectors are not comparable, so re-index or drop it",
                where=namespace,
            )
        self._collections[name] = col
        return col


# --------------------------------------------------------------------- input checks


def _check_texts(texts: object, where: str, limit: int) -> list[str]:
    if isinstance(texts, str) or not isinstance(texts, Sequence):
        raise MemoryInputError(f"{where} must be a list of strings", where=where)
    if not texts:
        raise MemoryInputError(f"{where} is empty: give at least one text", where=where)
    if len(texts) > limit:
        raise MemoryInputError(f"too many items: {len(texts)} in one call, the limit is {limit}", where=where)
    out = []
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise MemoryInputError(f"text must be a string, got {type(text).__name__}", where=f"{where}[{index}]")
        if not text.strip():
            raise MemoryInputError("text is empty", where=f"{where}[{index}]")
        if len(text) > MAX_TEXT_CHARS:
            raise MemoryInputError(
                f"text is {len(text)} characters; the limit is {MAX_TEXT_CHARS}: split it into chunks",
                where=f"{where}[{index}]",
            )
        out.append(text)
    return out


def _check_ids(ids: object, expected: int | None) -> list[str]:
    if isinstance(ids, str) or not isinstance(ids, Sequence):
        raise MemoryInputError("ids must be a list of strings", where="ids")
    if expected is not None and len(ids) != expected:
        raise MemoryInputError(f"got {len(ids)} ids for {expected} texts", where="ids")
    if not ids:
        raise MemoryInputError("ids is empty", where="ids")
    if len(ids) > MAX_ITEMS_PER_CALL:
        raise MemoryInputError(f"too many items: {len(ids)} ids, the limit is {MAX_ITEMS_PER_CALL}", where="ids")
    for index, item_id in enumerate(ids):
        if not isinstance(item_id, str) or not item_id.strip():
            raise MemoryInputError("id must be a non-empty string", where=f"ids[{index}]")
        if len(item_id) > MAX_ID_CHARS:
            raise MemoryInputError(f"id is longer than {MAX_ID_CHARS} characters", where=f"ids[{index}]")
    if len(set(ids)) != len(ids):
        raise MemoryInputError("ids repeat within one call", where="ids")
    return list(ids)


def _check_metadatas(metadatas: object, expected: int) -> list[dict[str, Any] | None] | None:
    if metadatas is None:
        return None
    if isinstance(metadatas, Mapping | str) or not isinstance(metadatas, Sequence):
        raise MemoryInputError("metadatas must be a list with one mapping (or None) per text", where="metadatas")
    if len(metadatas) != expected:
        raise MemoryInputError(f"got {len(metadatas)} metadatas for {expected} texts", where="metadatas")
    out: list[dict[str, Any] | None] = []
    for index, meta in enumerate(metadatas):
        if meta is None or (isinstance(meta, Mapping) and not meta):
            out.append(None)  # chroma refuses empty mappings
            continue
        if not isinstance(meta, Mapping):
            raise MemoryInputError(
                f"metadata must be a mapping, got {type(meta).__name__}", where=f"metadatas[{index}]"
            )
        for key, value in meta.items():
            if not isinstance(key, str) or not key:
                raise MemoryInputError("metadata keys must be non-empty strings", where=f"metadatas[{index}]")
            if not isinstance(value, _SCALARS):
                raise MemoryInputError(
                    f"metadata value must be str, int, float or bool, got {type(value).__name__}",
                    where=f"metadatas[{index}].{key}",
                )
        out.append(dict(meta))
    return out if any(m is not None for m in out) else None


def _check_where(where: object) -> dict[str, Any] | None:
    if where is None:
        return None
    if not isinstance(where, Mapping) or not where:
        raise MemoryInputError("where must be a non-empty mapping such as {'kind': 'note'}", where="where")
    return dict(where)


def _check_embeddings(embeddings: object, expected: int, dimension: int) -> np.ndarray:
    vectors = np.asarray(embeddings, dtype=np.float32)
    if vectors.shape != (expected, dimension):
        raise MemoryInputError(
            f"embeddings must have shape ({expected}, {dimension}), got {vectors.shape}", where="embeddings"
        )
    if not np.isfinite(vectors).all():
        raise MemoryInputError("embeddings contain NaN or infinity", where="embeddings")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    if (norms == 0).any():
        raise MemoryInputError("embeddings contain a zero vector", where="embeddings")
    return vectors / norms


def _hits(result: Mapping[str, Any]) -> list[list[MemoryHit]]:
    """Turn chroma's column-wise answer into rows; cosine distance becomes similarity."""
    rows = []
    for ids, docs, metas, dists in zip(
        result["ids"], result["documents"], result["metadatas"], result["distances"], strict=True
    ):
        rows.append(
            [
                MemoryHit(
                    id=item_id,
                    text=doc or "",
                    score=float(min(1.0, max(-1.0, 1.0 - dist))),
                    metadata=dict(meta) if meta else {},
                )
                for item_id, doc, meta, dist in zip(ids, docs, metas, dists, strict=True)
            ]
        )
    return rows
