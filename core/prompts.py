"""Prompt libraries and prompts: versioned on every edit, rendered with checked variables."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ionflux.core import validation as v
from ionflux.core.context import Context
from ionflux.core.errors import ConflictError, NotFoundError, ValidationError
from ionflux.core.models import Prompt, PromptLibrary, PromptVersion
from ionflux.core.workspaces import require_member
from ionflux.core.yamltext import load_form, relocated

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
VARIABLE_TYPES = ("text", "number", "date", "json_object")
MAX_PROMPT_CHARS = 50_000
#: A prompt's editable fields, in the order its YAML form lists them.
PROMPT_YAML_FIELDS = ("name", "prompt_text", "variables_schema_json_array", "tags_array")


def placeholders(template: str) -> list[str]:
    """The distinct ``{{variable}}`` names in ``template``, in order of first use."""
    return list(dict.fromkeys(PLACEHOLDER.findall(template)))


def validate_variables_schema(schema: Any, template: str) -> list[dict[str, Any]]:
    """Check a prompt's variables schema against its text.

    Every placeholder must be declared, every variable must have a known type, and names are
    unique. Declared but unused variables are allowed (they may feed later versions).
    """
    if schema is None:
        schema = []
    if not isinstance(schema, list):
        raise ValidationError("must be a list of variables", where="variables_schema_json_array")
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for i, var in enumerate(schema):
        where = f"variables_schema_json_array[{i}]"
        if not isinstance(var, Mapping):
            raise ValidationError("must be an object with name and type", where=where)
        name = var.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValidationError(f"name {name!r} is not a valid variable name", where=f"{where}.name")
        if name in seen:
            raise ValidationError(f"variable {name!r} is declared twice", where=f"{where}.name")
        seen.add(name)
        vtype = var.get("type", "text")
        if vtype not in VARIABLE_TYPES:
            raise ValidationError(f"type {vtype!r} is not one of: {', '.join(VARIABLE_TYPES)}", where=f"{where}.type")
        unknown = set(var) - {"name", "type", "description_text", "is_required", "default_value"}
        if unknown:
            raise ValidationError(f"unknown keys: {', '.join(sorted(unknown))}", where=where)
        if "is_required" in var and not isinstance(var["is_required"], bool):
            raise ValidationError("must be true or false", where=f"{where}.is_required")
        if var.get("default_value") is not None:
            _coerce(vtype, var["default_value"], f"{where}.default_value")
        out.append(dict(var))
    undeclared = [p for p in placeholders(template) if p not in seen]
    if undeclared:
        raise ValidationError(
            f"placeholder {{{{{undeclared[0]}}}}} is not declared in the variables schema", where="prompt_text"
        )
    return out


def _coerce(vtype: str, value: Any, where: str) -> str:
    """Render one variable value as prompt text, checking it against its declared type."""
    if vtype == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            try:
                value = float(str(value)) if "." in str(value) else int(str(value))
            except ValueError:
                raise ValidationError(f"{value!r} is not a number", where=where) from None
        return str(value)
    if vtype == "date":
        if isinstance(value, date | datetime):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValidationError(f"{value!r} is not a date (YYYY-MM-DD)", where=where) from None
    if vtype == "json_object":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise ValidationError("is not valid JSON", where=where) from None
        if not isinstance(value, dict):
            raise ValidationError("must be a JSON object", where=where)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if not isinstance(value, str | int | float):
        raise ValidationError(f"must be text, not {type(value).__name__}", where=where)
    return str(value)


def render_template(template: str, schema: list[dict[str, Any]] | None, variables: Mapping[str, Any]) -> str:
    """Fill ``{{variable}}`` placeholders from ``variables``, checked against ``schema``.

    Raises:
        ValidationError: a required variable is missing, a value has the wrong type, a variable is
            not in the schema, or the text uses a placeholder the schema does not declare.

    """
    declared = {var["name"]: var for var in (schema or [])}
    unknown = sorted(set(variables) - set(declared))
    if unknown:
        raise ValidationError(f"unknown variable {unknown[0]!r} (declared: {', '.join(declared) or 'none'})",
                              where="variables")
    values: dict[str, str] = {}
    for name, var in declared.items():
        if name in variables and variables[name] is not None:
            values[name] = _coerce(var.get("type", "text"), variables[name], f"variables.{name}")
        elif var.get("default_value") is not None:
            values[name] = _coerce(var.get("type", "text"), var["default_value"], f"variables.{name}")
        elif var.get("is_required", False):
            raise ValidationError("is required by the prompt but was not given", where=f"variables.{name}")
        else:
            values[name] = ""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise ValidationError(f"placeholder {{{{{name}}}}} is not declared in the variables schema",
                                  where="prompt_text")
        return values[name]

    return PLACEHOLDER.sub(fill, template)


class Prompts:
    """Prompt libraries of a workspace and the prompts in them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- libraries --------------------------------------------------------------------------

    def create_library(self, workspace_id: uuid.UUID, name: str, description: str | None = None) -> PromptLibrary:
        lib_name = v.name(name)
        with self.ctx.write() as uow:
            require_member(uow.session, workspace_id, self.ctx.user_id)
            clash = uow.session.scalar(select(PromptLibrary.id).where(
                PromptLibrary.workspace_id == workspace_id, PromptLibrary.name == lib_name))
            if clash:
                raise ConflictError(f"a prompt library named {lib_name!r} already exists", where="name")
            lib = uow.add(PromptLibrary(workspace_id=workspace_id, name=lib_name,
                                        description_text=v.text(description, "description_text",
                                                                max_len=5000, required=False)))
        return lib

    def libraries(self, workspace_id: uuid.UUID) -> list[PromptLibrary]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(PromptLibrary).where(PromptLibrary.workspace_id == workspace_id)
                                  .order_by(PromptLibrary.name)))

    def library_by_name(self, workspace_id: uuid.UUID, name: str) -> PromptLibrary:
        with self.ctx.store.read() as s:
            lib = s.scalar(select(PromptLibrary).where(PromptLibrary.workspace_id == workspace_id,
                                                       PromptLibrary.name == name))
        if lib is None:
            raise NotFoundError(f"no prompt library named {name!r}", where="library")
        return lib

    # -- prompts ----------------------------------------------------------------------------

    def create(self, library_id: uuid.UUID, name: str, prompt_text: str, *,
               variables: list[dict[str, Any]] | None = None, tags: list[str] | None = None) -> Prompt:
        text = self._text(prompt_text)
        schema = validate_variables_schema(variables, text)
        with self.ctx.write() as uow:
            lib = self._library(uow.session, library_id)
            prompt = uow.add(Prompt(library_id=lib.id, name=v.name(name), prompt_text=text,
                                    variables_schema_json_array=schema, tags_array=v.str_list(tags, "tags_array"),
                                    version=1, created_by_user_id=self.ctx.user_id))
        return prompt

    def edit(self, prompt_id: uuid.UUID, *, name: str | None = None, prompt_text: str | None = None,
             variables: list[dict[str, Any]] | None = None, tags: list[str] | None = None) -> Prompt:
        """Change a prompt; the text before the edit is kept as a numbered version."""
        with self.ctx.write() as uow:
            prompt = self._prompt(uow.session, prompt_id)
            new_text = self._text(prompt_text) if prompt_text is not None else prompt.prompt_text
            new_schema = validate_variables_schema(
                variables if variables is not None else prompt.variables_schema_json_array, new_text)
            uow.add(PromptVersion(prompt_id=prompt.id, version=prompt.version, name=prompt.name,
                                  prompt_text=prompt.prompt_text,
                                  variables_schema_json_array=prompt.variables_schema_json_array,
                                  created_by_user_id=prompt.created_by_user_id))
            prompt.prompt_text = new_text
            prompt.variables_schema_json_array = new_schema
            if name is not None:
                prompt.name = v.name(name)
            if tags is not None:
                prompt.tags_array = v.str_list(tags, "tags_array")
            prompt.version += 1
        return prompt

    # -- the YAML form --------------------------------------------------------------------------

    def to_yaml(self, prompt: Prompt) -> str:
        """A prompt's editable fields as YAML, its text as a literal block (what the window's editor shows)."""
        import yaml

        class Dumper(yaml.SafeDumper):
            pass

        def text_block(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
            """Lines as a literal block, one long line as a folded one: prose reads as prose."""
            style = None
            if value == value.strip() and not any(line != line.rstrip() for line in value.split("\n")):
                style = "|" if "\n" in value else ">" if len(value) > 80 else None
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

        Dumper.add_representer(str, text_block)
        doc = {"name": prompt.name, "prompt_text": prompt.prompt_text,
               "variables_schema_json_array": prompt.variables_schema_json_array or [],
               "tags_array": prompt.tags_array or []}
        return yaml.dump(doc, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110)

    def parse_yaml(self, text: str, source: str = "prompt.yaml") -> dict[str, Any]:
        """Check a prompt's YAML form: every error names ``source:line:column`` and the field."""
        doc = load_form(text, source, PROMPT_YAML_FIELDS, "a prompt")
        try:
            prompt_text = self._text(doc.get("prompt_text"))
            return {"name": v.name(doc.get("name")), "prompt_text": prompt_text,
                    "variables_schema_json_array": validate_variables_schema(doc.get("variables_schema_json_array"),
                                                                             prompt_text),
                    "tags_array": v.str_list(doc.get("tags_array"), "tags_array")}
        except ValidationError as exc:
            placeholder = re.search(r"\{\{\w+\}\}", exc.message) if exc.where == "prompt_text" else None
            for i, row in enumerate(text.split("\n") if placeholder else ()):
                if placeholder.group() in row:  # an undeclared {{name}}: marked where it is written
                    raise ValidationError(f"prompt_text: {exc.message}",
                                          where=f"{source}:{i + 1}:{row.index(placeholder.group()) + 1}") from None
            raise relocated(exc, text, source) from None

    def save_yaml(self, prompt_id: uuid.UUID, text: str, source: str = "prompt.yaml") -> Prompt:
        """Apply a YAML form as a new version of the prompt (none when nothing changed); invalid: no change."""
        values = self.parse_yaml(text, source)
        prompt = self.get(prompt_id)
        if all(getattr(prompt, k) == value for k, value in values.items()):
            return prompt
        return self.edit(prompt_id, name=values["name"], prompt_text=values["prompt_text"],
                         variables=values["variables_schema_json_array"], tags=values["tags_array"])

    def get(self, prompt_id: uuid.UUID) -> Prompt:
        with self.ctx.store.read() as s:
            return self._prompt(s, prompt_id)

    def versions(self, prompt_id: uuid.UUID) -> list[PromptVersion]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(PromptVersion).where(PromptVersion.prompt_id == prompt_id)
                                  .order_by(PromptVersion.version)))

    def list(self, library_id: uuid.UUID) -> list[Prompt]:
        with self.ctx.store.read() as s:
            return list(s.scalars(select(Prompt).where(Prompt.library_id == library_id).order_by(Prompt.name)))

    def find(self, workspace_id: uuid.UUID, name: str, library: str | None = None) -> Prompt:
        """The prompt called ``name`` in the workspace (optionally in one library)."""
        with self.ctx.store.read() as s:
            q = (select(Prompt).join(PromptLibrary, Prompt.library_id == PromptLibrary.id)
                 .where(PromptLibrary.workspace_id == workspace_id, Prompt.name == name))
            if library is not None:
                q = q.where(PromptLibrary.name == library)
            found = list(s.scalars(q))
        if not found:
            raise NotFoundError(f"no prompt named {name!r}", where="prompt")
        if len(found) > 1:
            raise ValidationError(f"several prompts are named {name!r}; name the library", where="prompt")
        return found[0]

    def render(self, prompt_id: uuid.UUID, variables: Mapping[str, Any]) -> str:
        with self.ctx.store.read() as s:
            prompt = self._prompt(s, prompt_id)
        return render_template(prompt.prompt_text, prompt.variables_schema_json_array, variables)

    def delete(self, prompt_id: uuid.UUID) -> None:
        with self.ctx.write() as uow:
            uow.delete(self._prompt(uow.session, prompt_id))

    def _text(self, prompt_text: str) -> str:
        text = v.text(prompt_text, "prompt_text", max_len=MAX_PROMPT_CHARS)
        assert text is not None
        return text

    def _library(self, session: Any, library_id: uuid.UUID) -> PromptLibrary:
        lib = session.get(PromptLibrary, library_id)
        if lib is None:
            raise NotFoundError(f"no prompt library with id {library_id}", where="library")
        require_member(session, lib.workspace_id, self.ctx.user_id)
        return lib

    def _prompt(self, session: Any, prompt_id: uuid.UUID) -> Prompt:
        prompt = session.get(Prompt, prompt_id)
        if prompt is None:
            raise NotFoundError(f"no prompt with id {prompt_id}", where="prompt")
        self._library(session, prompt.library_id)
        return prompt
