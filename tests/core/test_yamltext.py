import time

import pytest

from ionflux.core.errors import ValidationError
from ionflux.core.yamltext import key_positions, load_yaml


def test_parses_plain_yaml() -> None:
    assert load_yaml("inputs:\n  threshold: 100.0\n") == {"inputs": {"threshold": 100.0}}


def test_syntax_error_names_line_and_column() -> None:
    with pytest.raises(ValidationError) as err:
        load_yaml("inputs:\n  a: [1, 2\nb: 3\n", "cfg.yaml")
    assert err.value.where.startswith("cfg.yaml:3:")


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(ValidationError):
        load_yaml("x: !!python/object/apply:os.system ['echo pwned']")


def test_billion_laughs_is_refused_quickly() -> None:
    bomb = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb += f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]\n"
    start = time.perf_counter()
    with pytest.raises(ValidationError, match=r"aliases|expands"):
        load_yaml(bomb)
    assert time.perf_counter() - start < 5  # generous: the point is it does not expand


def test_huge_and_deep_documents_are_refused() -> None:
    with pytest.raises(ValidationError, match="larger than"):
        load_yaml("x: " + "a" * 300_000)
    with pytest.raises(ValidationError, match="nests deeper"):
        load_yaml("[" * 100 + "]" * 100)


def test_key_positions() -> None:
    pos = key_positions("inputs:\n  threshold: 1\ntriggers:\n  - enabled: true\n")
    assert pos[("inputs", "threshold")] == (2, 3)
    assert pos[("triggers", "0", "enabled")] == (4, 5)


def test_a_key_written_twice_is_refused_at_the_second() -> None:
    with pytest.raises(ValidationError) as err:
        load_yaml("name: Z\ninputs:\n  tone: calm\n  tone: bold\nname: Y\n", "b.yaml")
    assert err.value.where == "b.yaml:4:3"
    assert err.value.message == "repeats the key 'tone' (first on line 3); keep one"
    assert load_yaml("a: &x {k: 1}\nb:\n  <<: *x\n  j: 2\nc: *x\n") == {"a": {"k": 1}, "b": {"k": 1, "j": 2},
                                                                         "c": {"k": 1}}  # shared nodes are fine
