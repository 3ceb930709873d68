"""Errors of the vector memory, all :class:`~ionflux.core.errors.IonfluxError` subclasses."""

from __future__ import annotations

from ionflux.core.errors import IonfluxError, StoreError, ValidationError


class VectorMemoryError(IonfluxError):
    """Base of every failure of the vector memory, so callers can catch one type."""


class EmbeddingModelError(VectorMemoryError):
    """The embedding model or its tokenizer is missing, damaged or cannot be loaded.

    Raised with the name of the package to (re)install, because a missing model is an
    install problem the user can fix, not a bug.
    """


class MemoryInputError(VectorMemoryError, ValidationError):
    """A caller passed something the memory refuses: empty text, bad namespace, too many items."""


class MemoryStoreError(VectorMemoryError, StoreError):
    """The on-disk memory cannot be opened or used (locked, corrupt, other model's vectors)."""
