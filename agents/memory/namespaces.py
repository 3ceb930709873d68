"""Checks memory namespaces and maps each one to its own, always-valid chroma collection name."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from ionflux.agents.memory.errors import MemoryInputError

#: Every collection the memory owns starts with this, so foreign collections are ignored.
COLLECTION_PREFIX = "ifx-"
#: Longest namespace accepted; long enough for ``workspace/<uuid>/agent/<name>/...`` paths.
MAX_NAMESPACE_CHARS = 200
#: Hex digits of sha256 kept in a collection name (64 bits: collisions are not a concern).
HASH_CHARS = 16
#: Readable part of a collection name; 4 + 40 + 1 + 16 = 61 <= chroma's 63.
SLUG_CHARS = 40

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def validate_namespace(namespace: object) -> str:
    """Return ``namespace`` if it is acceptable, else explain what is wrong.

    Namespaces are exact strings: ``"Team"`` and ``"team"`` are two namespaces. Leading
    or trailing spaces and control characters are refused rather than cleaned, because a
    silently altered namespace would read or write someone else's memories.

    Raises:
        MemoryInputError: Not a string, empty, too long, padded or with control characters.
    """
    if not isinstance(namespace, str):
        raise MemoryInputError(f"namespace must be a string, got {type(namespace).__name__}", where="namespace")
    if not namespace.strip():
        raise MemoryInputError("namespace is empty", where="namespace")
    if len(namespace) > MAX_NAMESPACE_CHARS:
        raise MemoryInputError(
            f"namespace is {len(namespace)} characters long; the limit is {MAX_NAMESPACE_CHARS}", where="namespace"
        )
    if namespace != namespace.strip():
        raise MemoryInputError(f"namespace {namespace!r} has leading or trailing spaces", where="namespace")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in namespace):
        raise MemoryInputError(f"namespace {namespace!r} contains control characters", where="namespace")
    return namespace


def collection_name(namespace: str) -> str:
    """The chroma collection name of a namespace: deterministic, unique and always valid.

    Chroma names must be 3-63 characters of ``[a-zA-Z0-9._-]`` that start and end
    alphanumerically, so a readable ASCII slug is followed by a hash of the exact
    namespace; the slug is for people browsing the folder, the hash makes it unique.
    The exact namespace is kept in the collection's metadata, which is how
    :meth:`MemoryStore.namespaces` gives the original strings back.

    Example:
        ``"workspace 7 / Ágent:writer"`` -> ``"ifx-workspace-7-agent-writer-<16 hex>"``.
    """
    namespace = validate_namespace(namespace)
    digest = hashlib.sha256(namespace.encode("utf-8")).hexdigest()[:HASH_CHARS]
    ascii_text = unicodedata.normalize("NFKD", namespace).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_ALNUM.sub("-", ascii_text.lower()).strip("-")[:SLUG_CHARS].strip("-")
    return f"{COLLECTION_PREFIX}{slug}-{digest}" if slug else f"{COLLECTION_PREFIX}{digest}"
