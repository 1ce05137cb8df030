"""The canonical layout of a record file: key order from the model, quoting that keeps strings
strings. `factsheet new`, `factsheet import` and `factsheet fmt` all follow it.

* Keys come in the model's order: a type's own fields first, then the provenance every record
  has (`cite`, `status`, `note`, `disagreements`, `former_ids`); a list entry's keys (a
  participant, a post) in its model's order.
* A string is written plain when every YAML reader reads it back as that same string, else
  double-quoted: `"2025-06-26"`, `"yes"`, `"1.10"` and `"12:30"` stay text for PyYAML's YAML 1.1
  resolver too (our own loader reads every plain scalar as text; other tools do not).
* Lists and mappings are block style, indented by two; long Markdown text is folded (`>-`) at
  word boundaries, as editors write it by hand.

`dump_record` is the fast writer of a whole new record (the importer's hot path); `fmt.py` uses
the same order and quoting rules on files it rewrites through ruamel.yaml, keeping comments.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel

from .model import MARKDOWN_FIELDS, MODELS, Record, _unwrap

FOLD_WIDTH = 96  # folded text is wrapped to this width (content/ is written so)
_RESOLVER = yaml.resolver.Resolver()  # PyYAML's YAML 1.1 implicit resolvers (the widest set)
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_UNSAFE = set(":#'\"[]{},&*!|>%@`\\\n\t\r")
_FOLDABLE = re.compile(r"^\S+( \S+)*$")  # single spaces between words: folding is lossless


# The provenance every record but a source has, in the order editors write it: the note that
# explains the record before the disagreements it often introduces ("recorded below").
PROVENANCE = ("cite", "status", "note", "disagreements", "former_ids")
assert set(PROVENANCE) == set(Record.model_fields)


def field_order(model: type[BaseModel]) -> list[str]:
    """The model's field names in canonical order (own fields, then the shared provenance)."""
    names = list(model.model_fields)
    if isinstance(model, type) and issubclass(model, Record):
        return [n for n in names if n not in PROVENANCE] + list(PROVENANCE)
    return names


@functools.cache  # the annotation walk, once per model and field (the importer asks per cell)
def submodel(model: type[BaseModel] | None, name: str) -> type[BaseModel] | None:
    """The model of `name`'s value or list items (a participant, a post), or None."""
    if model is None or name not in model.model_fields:
        return None
    annotation, _ = _unwrap(model.model_fields[name].annotation)
    while get_origin(annotation) is list:
        annotation, _ = _unwrap(get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def plain_ok(text: str) -> bool:
    """True when `text` written plain reads back as the same string in any YAML reader."""
    return bool(
        text
        and text == text.strip()
        and text[0].isalnum()
        and not any(c in _PLAIN_UNSAFE for c in text)
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG
    )


@functools.lru_cache(maxsize=1 << 16)  # ids, kinds, roles and dates recur in every record
def quote(text: str) -> str:
    """A YAML scalar for `text`: plain when that reads back unchanged, else double-quoted."""
    return text if plain_ok(text) else json.dumps(text, ensure_ascii=False)


def _fold(text: str, indent: str) -> list[str] | None:
    """`>-` lines for long single-spaced text, or None when it is short or folding would lose."""
    if len(text) + len(indent) <= FOLD_WIDTH or not _FOLDABLE.match(text) or text[0] in "#":
        return None
    lines, current = [], ""
    for word in text.split(" "):
        if current and len(indent) + len(current) + 1 + len(word) > FOLD_WIDTH:
            lines.append(indent + current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(indent + current)
    return lines


@functools.cache
def _order(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(field_order(model))


def _ordered(data: dict[str, Any], model: type[BaseModel] | None) -> list[str]:
    order = _order(model) if model is not None else ()
    known = [k for k in order if k in data]
    return known + [k for k in data if k not in order]


def _scalar_lines(head: str, value: Any, indent: str, markdown: bool) -> list[str]:
    text = str(value)
    folded = _fold(text, indent) if markdown else None
    if folded is not None:
        return [f"{head} >-", *folded]
    return [f"{head} {quote(text)}"]


def _mapping_lines(
    data: dict[str, Any], model: type[BaseModel] | None, indent: str, first: str | None = None
) -> list[str]:
    """Lines of a mapping at `indent`; `first` replaces the indent of the first line ("- ")."""
    lines: list[str] = []
    for index, key in enumerate(_ordered(data, model)):
        lead = first if (first is not None and index == 0) else indent
        lines += _value_lines(key, data[key], lead, indent, submodel(model, key))
    return lines


def _value_lines(
    key: str, value: Any, lead: str, indent: str, model: type[BaseModel] | None
) -> list[str]:
    head = f"{lead}{key}:"
    inner = indent + "  "
    if isinstance(value, dict):
        return [head, *_mapping_lines(value, model, inner)]
    if isinstance(value, list):
        lines = [head]
        for item in value:
            if isinstance(item, dict):
                lines += _mapping_lines(item, model, inner + "  ", first=inner + "- ")
            else:
                lines += _scalar_lines(f"{inner}-", item, inner + "  ", key in MARKDOWN_FIELDS)
        return lines
    return _scalar_lines(head, value, inner, key in MARKDOWN_FIELDS)


def dump_record(type_: str, data: dict[str, Any]) -> str:
    """The record `data` (strings, lists, mappings) as YAML text in the canonical layout."""
    return "\n".join(_mapping_lines(data, MODELS[type_], "")) + "\n"
