"""Turns texts into normalised 384-d vectors with all-MiniLM-L6-v2 on onnxruntime (no PyTorch)."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ionflux.agents.memory.errors import EmbeddingModelError, MemoryInputError
from ionflux.agents.memory.model_files import MODEL_FILE, MODEL_ID, TOKENIZER_FILE, read_packaged_file

if TYPE_CHECKING:
    import onnxruntime
    import tokenizers

#: Width of every vector.
DIMENSION = 384
#: Tokens per text, [CLS] and [SEP] included; the rest is cut (sentence-transformers uses 256 too).
MAX_TOKENS = 256
#: Most texts per forward pass. Texts are sorted by length first, so padding stays small.
DEFAULT_BATCH_SIZE = 32
#: Most padded tokens per forward pass (rows x longest row): 32 short texts, or 4 of 256 tokens.
DEFAULT_MAX_BATCH_TOKENS = 1024


def _usable_cores() -> int:
    """Cores this process may run on (affinity-aware, so containers and taskset are respected)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class Embedder:
    """Sentence embedder: ``embed(texts)`` gives one unit-length float32 row per text.

    The model and tokenizer load on first use (about 0.4 s), so constructing one is free
    and the CLI never pays for it. Loading is guarded by a lock; after that ``embed`` is
    safe to call from several threads at once: the tokenizer is only read and
    ``InferenceSession.run`` is thread-safe. Calls then share the session's thread pool,
    so concurrency adds no speed; one instance per process (see :func:`default_embedder`)
    is the intended use.

    Results are deterministic: the same text gives the same vector whatever batch it
    lands in (padding is masked out of attention and of the mean, and the graph runs with
    ``use_deterministic_compute``); in our tests they are identical to the bit.

    Args:
        threads: onnxruntime intra-op threads; defaults to the usable cores, which is the
            fastest on the 2-core machines we target.
        batch_size: Most texts per forward pass. Larger batches gain nothing on CPU.
        max_batch_tokens: Most padded tokens per forward pass; a single long text always
            gets its own batch whatever this is.
        model_bytes: An ONNX model to use instead of the packaged one (tests, experiments).
        tokenizer_json: A ``tokenizer.json`` text to use instead of the packaged one.
    """

    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(
        self,
        *,
        threads: int | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        model_bytes: bytes | None = None,
        tokenizer_json: str | None = None,
    ) -> None:
        if batch_size < 1:
            raise MemoryInputError(f"batch_size must be at least 1, got {batch_size}", where="Embedder.batch_size")
        if max_batch_tokens < 1:
            raise MemoryInputError(
                f"max_batch_tokens must be at least 1, got {max_batch_tokens}", where="Embedder.max_batch_tokens"
            )
        if threads is not None and threads < 1:
            raise MemoryInputError(f"threads must be at least 1, got {threads}", where="Embedder.threads")
        self.threads = threads or _usable_cores()
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self._model_bytes = model_bytes
        self._tokenizer_json = tokenizer_json
        self._lock = threading.Lock()
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: tokenizers.Tokenizer | None = None
        self._feeds_token_types = True

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory already (``embed`` will not pay the load)."""
        return self._session is not None

    def load(self) -> None:
        """Load the tokenizer and the model now; call from a worker thread to warm up early.

        Raises:
            EmbeddingModelError: A file is missing or damaged, or onnxruntime/tokenizers
                are not installed; the message says what to install.
        """
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            tokenizer = self._load_tokenizer()
            session = self._load_session()
            self._tokenizer = tokenizer
            self._session = session  # published last: ``loaded`` means both are ready

    def _load_tokenizer(self) -> tokenizers.Tokenizer:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EmbeddingModelError(
                "The 'tokenizers' package is missing. Install it with: pip install 'tokenizers>=0.19,<1'",
                where="ionflux.agents.memory.embedder",
            ) from exc
        text = self._tokenizer_json
        if text is None:
            text = read_packaged_file(TOKENIZER_FILE).decode("utf-8")
        try:
            tokenizer = Tokenizer.from_str(text)
        except Exception as exc:  # the Rust side raises a bare Exception
            raise EmbeddingModelError(f"The tokenizer cannot be read: {exc}", where="tokenizer.json") from exc
        # The shipped file pads every text to 128 and cuts at 128; we pad per batch ourselves.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        return tokenizer

    def _load_session(self) -> onnxruntime.InferenceSession:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise EmbeddingModelError(
                "The 'onnxruntime' package is missing. Install it with: pip install 'onnxruntime>=1.18,<2'",
                where="ionflux.agents.memory.embedder",
            ) from exc
        model = self._model_bytes if self._model_bytes is not None else read_packaged_file(MODEL_FILE)
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1  # the graph is a chain: parallel branches buy nothing
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.use_deterministic_compute = True
        # idle pool threads sleep instead of spinning, so embedding between agent steps does not
        # steal the 2 cores from the UI and the local LLM; measured no slower on the target machine
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # warnings about unused initialisers are noise to users
        try:
            session = ort.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own non-exported types
            raise EmbeddingModelError(
                f"The embedding model cannot be loaded by onnxruntime: {exc}. Reinstall it with: "
                f"{MODEL_FILE.install_hint()}",
                where=f"{MODEL_FILE.package}/{MODEL_FILE.resource}",
            ) from exc
        names = {i.name for i in session.get_inputs()}
        if not {"input_ids", "attention_mask"} <= names:
            raise EmbeddingModelError(
                f"The embedding model has unexpected inputs {sorted(names)}; expected a BERT encoder.",
                where=f"{MODEL_FILE.package}/{MODEL_FILE.resource}",
            )
        self._feeds_token_types = "token_type_ids" in names
        return session

    def embed(self, texts: Sequence[str], *, batch_size: int | None = None) -> np.ndarray:
        """Embed texts into rows of a ``(len(texts), 384)`` float32 array of unit length.

        Texts are sorted by token count and cut into batches so each batch pads only to
        its own longest text; the rows come back in the caller's order. Tokens past
        :data:`MAX_TOKENS` are ignored, so chunk long documents before embedding.

        Args:
            texts: The texts; a single ``str`` is refused (it would be embedded character
                by character otherwise). Empty strings are allowed here.
            batch_size: Overrides the instance's batch size for this call.

        Returns:
            The vectors; cosine similarity between two rows is their dot product.

        Raises:
            MemoryInputError: ``texts`` is a ``str`` or holds a non-string.
            EmbeddingModelError: The model cannot be loaded.
        """
        if isinstance(texts, str):
            raise MemoryInputError("embed() takes a list of texts, not a single string", where="texts")
        for index, text in enumerate(texts):
            if not isinstance(text, str):
                raise MemoryInputError(f"text must be a string, got {type(text).__name__}", where=f"texts[{index}]")
        step = self.batch_size if batch_size is None else batch_size
        if step < 1:
            raise MemoryInputError(f"batch_size must be at least 1, got {step}", where="batch_size")
        if len(texts) == 0:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        self.load()
        assert self._tokenizer is not None and self._session is not None
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=True)
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(lengths, kind="stable")
        out = np.empty((len(encodings), DIMENSION), dtype=np.float32)
        for rows in _batches(order, lengths, step, self.max_batch_tokens):
            out[rows] = self._forward([encodings[i].ids for i in rows], int(lengths[rows[-1]]))
        return out

    def embed_one(self, text: str) -> np.ndarray:
        """Embed one text into a ``(384,)`` unit vector; see :meth:`embed`."""
        if not isinstance(text, str):
            raise MemoryInputError(f"text must be a string, got {type(text).__name__}", where="text")
        return self.embed([text])[0]

    def _forward(self, batch_ids: list[list[int]], width: int) -> np.ndarray:
        """Run one padded batch and mean-pool it over real tokens, then L2-normalise."""
        ids = np.zeros((len(batch_ids), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, token_ids in enumerate(batch_ids):
            ids[row, : len(token_ids)] = token_ids
            mask[row, : len(token_ids)] = 1
        feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if self._feeds_token_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        assert self._session is not None
        hidden = self._session.run(["last_hidden_state"], feeds)[0]  # (batch, width, 384)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


def _batches(order: np.ndarray, lengths: np.ndarray, size: int, max_tokens: int) -> list[np.ndarray]:
    """Cut length-sorted rows into batches of at most ``size`` rows and ``max_tokens`` padded tokens.

    Sorting keeps padding small; the token cap keeps long texts in small batches, which
    measured faster on 2 cores (the activations stay in cache) and bounds memory.
    """
    batches: list[np.ndarray] = []
    first = 0
    for position in range(1, len(order) + 1):
        count = position - first
        if position == len(order):
            batches.append(order[first:position])
        elif count == size or (count + 1) * int(lengths[order[position]]) > max_tokens:
            batches.append(order[first:position])
            first = position
    return batches


_default: Embedder | None = None
_default_lock = threading.Lock()


def default_embedder() -> Embedder:
    """The process-wide embedder, so every memory store shares one loaded model (~90 MB RSS)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Embedder()
    return _default
