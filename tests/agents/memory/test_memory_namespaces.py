"""Namespace strings map to valid, distinct, stable chroma collection names."""

from __future__ import annotations

import re

import pytest

from ionflux.agents.memory.errors import MemoryInputError
from ionflux.agents.memory.namespaces import MAX_NAMESPACE_CHARS, collection_name, validate_namespace

# chroma's own rule (chromadb.api.segment.check_index_name)
CHROMA_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$")
IPV4 = re.compile(r"^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$")

ODD = [
    "a",
    "ab",
    "Team",
    "team",
    "a b",
    "a-b",
    "a/b",
    "a..b",
    "1.2.3.4",
    "---",
    "日本語",
    "😀",
    "Ágent:writer / workspace 7",
    "x" * MAX_NAMESPACE_CHARS,
    "x" * (MAX_NAMESPACE_CHARS - 1) + "y",
]


@pytest.mark.parametrize("namespace", ODD)
def test_every_namespace_gets_a_valid_chroma_name(namespace: str) -> None:
    name = collection_name(namespace)
    assert CHROMA_NAME.match(name), name
    assert ".." not in name
    assert not IPV4.match(name)
    assert name == collection_name(namespace)  # deterministic


def test_names_are_distinct_and_readable() -> None:
    names = [collection_name(ns) for ns in ODD]
    assert len(set(names)) == len(ODD)
    assert collection_name("Ágent:writer / workspace 7").startswith("ifx-agent-writer-workspace-7-")
    assert collection_name("日本語").startswith("ifx-")


@pytest.mark.parametrize(
    ("namespace", "match"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (" x", "leading or trailing"),
        ("x\t", "leading or trailing"),
        ("a\nb", "control"),
        ("a\u200bb", "control"),
        ("x" * (MAX_NAMESPACE_CHARS + 1), "limit"),
        (None, "must be a string"),
        (b"bytes", "must be a string"),
    ],
)
def test_bad_namespaces_are_refused(namespace: object, match: str) -> None:
    with pytest.raises(MemoryInputError, match=match):
        validate_namespace(namespace)
