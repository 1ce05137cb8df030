"""`factsheet new`: a commented skeleton of a record, written from the model.

Required fields hold placeholders starting with FILL-ME, which `validate` names one by one
(`placeholder.unfilled`) until they are replaced; optional fields follow, commented out. Field
descriptions and vocabularies come from model.py, so a skeleton never goes stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .layout import quote as _quote
from .load import EXTENSIONS, display_path, load_records
from .model import (
    DATE_PATTERN,
    LANGUAGE_PATTERN,
    MARKDOWN_FIELDS,
    MODELS,
    SINGULAR,
    SLUG_RE,
    TITLE_FIELD,
    TYPES,
    Record,
    Ref,
    Vocabulary,
    _unwrap,
)
from .validate import PLACEHOLDER

# Fields a new record does not start with: it has not been renamed yet.
SKIPPED = {"former_ids"}
_EXISTS = "{} already exists: refusing to overwrite it; edit it, or choose another id"


class NewRecordError(Exception):
    """A refused `new`: `exit_code` 2 for a usage error, 1 when the content is in the way."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def resolve_type(name: str) -> str:
    """Return the content folder for TYPE, written plural (`meetings`) or singular (`meeting`)."""
    folder = name.strip().lower()
    folder = SINGULAR.get(folder, folder)
    if folder not in TYPES:
        raise NewRecordError(f"unknown record type {name!r}: use one of {', '.join(TYPES)}", 2)
    return folder


# ---------------------------------------------------------------------------------------------
# What a field holds, read from its annotation


@dataclass
class Shape:
    hint: str  # what to write, e.g. "actor id" or "YYYY-MM-DD (or YYYY-MM, YYYY)"
    vocabulary: dict[str, str] | None = None
    item: Shape | None = None  # a list's items
    model: type[BaseModel] | None = None  # a nested record part (participant, post, …)
    mapping: bool = False

    @property
    def items_hint(self) -> str:
        """What a list of these holds: "source ids", "a list of text"."""
        return f"{self.hint}s" if self.hint.endswith(" id") else f"a list of {self.hint}"


def _pattern(metadata: list[Any]) -> str | None:
    for item in metadata:
        pattern = getattr(item, "pattern", None)
        if pattern:
            return pattern
    return None


def _shape(annotation: Any, metadata: list[Any]) -> Shape:
    annotation, found = _unwrap(annotation)
    metadata = list(metadata) + found
    marker = next((m for m in metadata if isinstance(m, Ref)), None)
    if marker is not None:
        kinds = f" ({' or '.join(marker.kinds)})" if marker.kinds else ""
        return Shape(f"{' or '.join(t[:-1] for t in marker.types)} id{kinds}")
    origin = get_origin(annotation)
    if origin is Literal:
        terms = tuple(get_args(annotation))
        vocabulary = next((m for m in metadata if isinstance(m, Vocabulary)), None)
        return Shape("one of: " + ", ".join(terms), vocabulary=vocabulary and vocabulary.terms)
    if origin is list:
        return Shape("a list", item=_shape(get_args(annotation)[0], []))
    if origin is dict:
        return Shape("a mapping", mapping=True)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Shape("fields", model=annotation)
    pattern = _pattern(metadata)
    if pattern == DATE_PATTERN:
        return Shape("YYYY-MM-DD (or YYYY-MM, YYYY)")
    if pattern == LANGUAGE_PATTERN:
        return Shape("language code, e.g. en, ru, hi")
    if any(getattr(getattr(m, "func", None), "__name__", "") == "_check_url" for m in metadata):
        return Shape("web address, https://…")
    return Shape("text")


def field_shape(name: str, field: FieldInfo) -> Shape:
    shape = _shape(field.annotation, list(field.metadata))
    if name in MARKDOWN_FIELDS:
        markdown = Shape("text (Markdown; link a record as [[its-id]])")
        if shape.item is not None:
            return Shape("a list", item=markdown)
        return markdown
    return shape


def _ordered_fields(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    """The record's own fields first, then the provenance every record has (cite, status, …)."""
    fields = [(n, f) for n, f in model.model_fields.items() if n not in SKIPPED]
    base = set(Record.model_fields) if issubclass(model, Record) else set()
    own = [item for item in fields if item[0] not in base]
    return own + [item for item in fields if item[0] in base]


# ---------------------------------------------------------------------------------------------
# The skeleton


def _placeholder(what: str) -> str:
    return json.dumps(f"{PLACEHOLDER}: {what}", ensure_ascii=False)


def _about(shape: Shape, field: FieldInfo) -> str:
    about = shape.item.items_hint if shape.item else shape.hint
    if shape.vocabulary:
        about = "one of the terms below"
    return f"{about} — {field.description}" if field.description else about


def _vocabulary_lines(vocabulary: dict[str, str], indent: str = "") -> list[str]:
    width = max(len(term) for term in vocabulary)
    return [f"{indent}#   {term.ljust(width)}  {meaning}" for term, meaning in vocabulary.items()]


def _commented_model(model: type[BaseModel], indent: str) -> list[str]:
    """An optional list entry's fields, commented out, each with its hint."""
    lines = []
    fields = list(model.model_fields.items())
    width = max(len(name) for name, _ in fields) + 1
    for index, (name, field) in enumerate(fields):
        shape = field_shape(name, field)
        bullet = "- " if index == 0 else "  "
        required = " (required)" if field.is_required() else ""
        value = " []" if shape.item else ""
        hint = shape.item.items_hint if shape.item else shape.hint
        description = f" — {field.description}" if field.description else ""
        key = f"{name}:{value}".ljust(width + 3)
        lines.append(f"# {indent}{bullet}{key} # {hint}{required}{description}")
    return lines


def _required_lines(
    name: str, field: FieldInfo, value: str | None, what: str | None = None
) -> list[str]:
    shape = field_shape(name, field)
    about = _about(shape, field)
    lines = [f"# {name}: {about}"] if about != "text" else []
    if shape.vocabulary:
        lines += _vocabulary_lines(shape.vocabulary)
    if value is not None:
        lines.append(f"{name}: {_quote(value)}")
    elif shape.item is not None:
        lines.append(f"{name}: [{_placeholder(shape.item.hint)}]")
    elif shape.vocabulary:
        lines.append(f"{name}: {_placeholder(f'a {name} from the list above')}")
    else:
        lines.append(f"{name}: {_placeholder(what or shape.hint)}")
    return lines


def _optional_lines(name: str, field: FieldInfo, width: int) -> list[str]:
    shape = field_shape(name, field)
    description = f" — {field.description}" if field.description else ""
    if shape.item is not None and shape.item.model is not None:
        return [f"# {name}:{description}", *_commented_model(shape.item.model, "  ")]
    if shape.vocabulary:
        head = f"# {f'{name}:'.ljust(width)} # one of:{description}"
        return [head, *_vocabulary_lines(shape.vocabulary)]
    if shape.item is not None:
        return [f"# {f'{name}: []'.ljust(width)} # {shape.item.items_hint}{description}"]
    if shape.mapping:
        return [f"# {f'{name}: {{}}'.ljust(width)} # {shape.hint}{description}"]
    return [f"# {f'{name}:'.ljust(width)} # {shape.hint}{description}"]


def render_skeleton(type_: str, record_id: str, title: str | None = None) -> str:
    """Return the commented YAML skeleton of a new record of `type_`."""
    model = MODELS[type_]
    title_field = TITLE_FIELD[type_]
    singular = type_[:-1]
    lines = [
        f"# A new {singular}, {type_}/{record_id}.yml: the file name is the record's id.",
        f"# Replace every {PLACEHOLDER} value; `factsheet validate` names each one still left.",
        "# Optional fields follow at the end, commented out: uncomment the ones you need.",
        "# How to write a record, cite sources and record disagreements: CONTRIBUTING.md.",
    ]
    fields = _ordered_fields(model)
    for name, field in fields:
        if field.is_required():
            lines.append("")
            if name == title_field:
                lines += _required_lines(name, field, title, f"the {singular}'s {name}")
            else:
                lines += _required_lines(name, field, None)
    optional = [(name, field) for name, field in fields if not field.is_required()]
    if optional:
        lines += ["", "# Optional fields:"]
        width = max(len(name) for name, _ in optional) + 4
        for name, field in optional:
            lines += _optional_lines(name, field, width)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Writing it, refusing what must be refused


def check_new_id(content: Path, type_: str, record_id: str) -> None:
    """Raise NewRecordError when `record_id` is invalid or already used (as an id or former id)."""
    if not SLUG_RE.match(record_id):
        raise NewRecordError(
            f"{record_id!r} is not a valid id: use lowercase a-z, 0-9 and single hyphens, "
            "e.g. 'singh-belousov-2025-06-26'",
            2,
        )
    for folder in TYPES:
        for ext in EXTENSIONS:
            existing = content / folder / f"{record_id}{ext}"
            if existing.exists():
                if folder == type_:
                    raise NewRecordError(_EXISTS.format(display_path(existing)), 1)
                raise NewRecordError(
                    f"id {record_id!r} is already used by {display_path(existing)}: "
                    "ids are unique across all types; choose another",
                    1,
                )
    for record in load_records(content).records:
        former = record.data.get("former_ids")
        if isinstance(former, list) and record_id in former:
            raise NewRecordError(
                f"id {record_id!r} is a former id of {record.id!r} ({record.path}): "
                "its old address redirects there; choose another id",
                1,
            )


def write_record(content: Path, type_name: str, record_id: str, title: str | None = None) -> Path:
    """Write the skeleton of a new record under `content`; return its path."""
    type_ = resolve_type(type_name)
    content = Path(content)
    if not content.is_dir():
        raise NewRecordError(f"content folder {str(content)!r} not found (pass --content DIR)", 2)
    if title is not None and not title.strip():
        raise NewRecordError("the name or title must not be empty", 2)
    check_new_id(content, type_, record_id)
    path = content / type_ / f"{record_id}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(render_skeleton(type_, record_id, title.strip() if title else None))
    except FileExistsError:
        raise NewRecordError(_EXISTS.format(display_path(path)), 1) from None
    return path
