"""Vector memory of the agents: local sentence embeddings and a namespaced, persistent store.

Importing this package is cheap: numpy only. onnxruntime, tokenizers and the model load on
the first embedding; chromadb on the first :class:`MemoryStore`.
"""

from ionflux.agents.memory.embedder import DIMENSION, MAX_TOKENS, Embedder, default_embedder
from ionflux.agents.memory.errors import EmbeddingModelError, MemoryInputError, MemoryStoreError, VectorMemoryError
from ionflux.agents.memory.model_files import MODEL_ID
from ionflux.agents.memory.store import MemoryHit, MemoryStore

__all__ = [
    "DIMENSION",
    "MAX_TOKENS",
    "MODEL_ID",
    "Embedder",
    "EmbeddingModelError",
    "MemoryHit",
    "MemoryInputError",
    "MemoryStore",
    "MemoryStoreError",
    "VectorMemoryError",
    "default_embedder",
]
