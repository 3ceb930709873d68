from pathlib import Path

import pytest

from ionflux.core.commands import CommandRegistry, Output, parse_values
from ionflux.core.errors import ValidationError


def _registry() -> CommandRegistry:
    reg = CommandRegistry()

    @reg.command("page.create", title="New page", keys="Ctrl+N", slash="/page")
    def create(app: object, title: str, *, parent: str | None = None, count: int = 1, tags: list[str] | None = None,
               dry_run: bool = False, out: Path | None = None) -> Output:
        """Create a page.

        Args:
            title: The title.
            parent: Parent page title.
        """
        return Output(title)

    return reg


def test_signature_becomes_parameters() -> None:
    cmd = _registry().get("page.create")
    assert cmd.help == "Create a page."
    params = {p.name: p for p in cmd.params}
    assert params["title"].positional and params["title"].required
    assert not params["parent"].positional and params["parent"].help == "Parent page title."
    assert params["count"].type is int and params["tags"].repeated and params["dry_run"].type is bool
    assert cmd.cli == ("page", "create") and cmd.slash == "/page" and cmd.keys == "Ctrl+N"


def test_duplicate_ids_are_refused() -> None:
    reg = _registry()
    with pytest.raises(ValueError, match="twice"):
        reg.command("page.create", title="again")(lambda app: None)


def test_values_are_converted_and_checked() -> None:
    cmd = _registry().get("page.create")
    assert parse_values(cmd, {"title": "x", "count": "3", "out": "~/a.json"})["count"] == 3
    with pytest.raises(ValidationError) as err:
        parse_values(cmd, {"title": "x", "count": "many"})
    assert err.value.where == "count"
    with pytest.raises(ValidationError, match="required"):
        parse_values(cmd, {})


def test_slash_lookup() -> None:
    assert _registry().by_slash("page").id == "page.create"
    assert _registry().by_slash("/nope") is None
