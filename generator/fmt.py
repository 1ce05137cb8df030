"""`factsheet fmt`: rewrite record files into the canonical layout (layout.py), keeping every
comment and every value exactly as written.

Two passes, so the common case stays fast:

* the check reads each file with the project's own loader (PyYAML's C parser composes the node
  tree, which carries each key's order and each scalar's quoting style) and lists what is not
  canonical: keys out of the model's order, plain scalars another YAML reader would not read as
  text (`2025-06-26` is a date to PyYAML, `yes` a boolean, `1.10` a number);
* only the files that need it are rewritten, through ruamel.yaml's round-trip mode, the one
  well-kept Python YAML library that keeps comments, flow lists, folded text and quoting as
  written. It is about twenty times slower than the C parser (STYLE.md measured 27 s for 10,000
  records), which is why it never runs on files that are already canonical, nor in `validate`.

ruamel.yaml is set up to read every plain scalar as text (only an empty value or `~`/`null` is
null), as our loader does, so a value is never turned into a date or a number on the way.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.resolver import BaseResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

from .layout import FOLD_WIDTH, _fold, field_order, plain_ok, submodel
from .load import EXTENSIONS, _Loader, display_paths, iter_record_files, load_file
from .model import MARKDOWN_FIELDS, MODELS, TYPES
from .problems import Problem, error

_NULL_WORDS = {"", "~", "null", "Null", "NULL"}
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


class _TextResolver(BaseResolver):
    """ruamel.yaml's resolver with every implicit type removed but null: plain scalars are text."""

    processing_version = (1, 2)

    def __init__(self, version: Any = None, loader: Any = None) -> None:
        super().__init__(loadumper=loader)


_TextResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


def roundtrip() -> YAML:
    """A ruamel.yaml round-trip reader and writer in the layout of content/."""
    rt = YAML(typ="rt")
    rt.Resolver = _TextResolver
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap a line; folded text keeps its own line breaks
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def misread_as(text: str) -> str | None:
    """The type another YAML reader gives `text` written plain (e.g. "timestamp"), or None."""
    if text in _NULL_WORDS:
        return None  # an empty value: the validator's business (schema.null)
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    return None if tag == _STR_TAG else tag.rsplit(":", 1)[-1]


# ---------------------------------------------------------------------------------------------
# The check (fast: the C parser's node tree)


def _check_node(node: yaml.Node, model: type[BaseModel] | None, out: list[str]) -> None:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        keys = {k.value: k for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        if model is not None:
            order = field_order(model)
            known = [k for k in keys if k in order]
            wanted = sorted(known, key=order.index)
            if known != wanted:
                early, late = next((w, k) for w, k in zip(wanted, known, strict=True) if w != k)
                out.append(
                    f"line {keys[early].start_mark.line + 1}: {early!r} belongs before {late!r} "
                    f"(the model's order: {', '.join(wanted)})"
                )
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            _check_node(value_node, submodel(model, key) if key else None, out)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_node(item, model, out)
    elif isinstance(node, yaml.ScalarNode) and not node.style:  # plain ("" from the C parser)
        kind = misread_as(node.value)
        if kind is not None:
            out.append(
                f"line {line}: {node.value!r} reads as a {kind} in other YAML readers: quote it"
            )


def check_text(text: str, type_: str) -> list[str]:
    """What keeps `text` (a record of `type_` that loads) from the canonical layout; [] when canonical."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    out: list[str] = []
    if node is not None:
        _check_node(node, MODELS[type_], out)
    return out


# ---------------------------------------------------------------------------------------------
# The rewrite (ruamel.yaml round trip, only for files that need it)


def _reorder(data: Any, model: type[BaseModel] | None) -> Any:
    """Put mapping keys in the model's order and quote misread plain text, in place."""
    if isinstance(data, CommentedMap):
        if model is not None:
            order = field_order(model)
            keys = list(data)
            wanted = sorted(keys, key=lambda k: order.index(k) if k in order else len(order))
            if keys != wanted:
                for key in wanted:  # pop and re-add: ruamel keeps a key's comments by its name
                    value = data.pop(key)
                    data[key] = value
        for key in list(data):
            data[key] = _reorder(data[key], submodel(model, key))
        return data
    if isinstance(data, CommentedSeq):
        for index, item in enumerate(data):
            data[index] = _reorder(item, model)
        return data
    if type(data) is str and misread_as(data) is not None:
        return DoubleQuotedScalarString(data)
    return data


def dump(rt: YAML, data: Any) -> str:
    buffer = io.StringIO()
    rt.dump(data, buffer)
    return buffer.getvalue()


def format_text(text: str, type_: str, rt: YAML | None = None) -> str:
    """`text` in the canonical layout, comments and values as written."""
    rt = rt or roundtrip()
    data = rt.load(text)
    return dump(rt, _reorder(data, MODELS[type_]))


def to_roundtrip(value: Any, key: str, model: type[BaseModel] | None, indent: int) -> Any:
    """A new value (from an import) as ruamel.yaml objects in the canonical layout."""
    if isinstance(value, dict):
        out = CommentedMap()
        order = field_order(model) if model is not None else list(value)
        for name in sorted(value, key=lambda k: order.index(k) if k in order else len(order)):
            out[name] = to_roundtrip(value[name], name, submodel(model, name), indent + 2)
        return out
    if isinstance(value, list):
        return CommentedSeq(to_roundtrip(item, key, model, indent + 4) for item in value)
    text = str(value)
    if key in MARKDOWN_FIELDS:
        lines = _fold(text, " " * (indent + 2))
        if lines is not None:
            folded = FoldedScalarString(text)
            breaks, at = [], 0
            for line in lines[:-1]:
                at += len(line.strip()) + 1
                breaks.append(at - 1)
            folded.fold_pos = breaks
            return folded
    return text if plain_ok(text) else DoubleQuotedScalarString(text)


def update_text(text: str, type_: str, fields: dict[str, Any], rt: YAML | None = None) -> str:
    """`text` with top-level `fields` set to new values; the rest (comments too) as it was.

    A field the record lacks goes where the model's order puts it.
    """
    rt = rt or roundtrip()
    data = rt.load(text)
    model = MODELS[type_]
    order = field_order(model)
    for name, value in fields.items():
        new = to_roundtrip(value, name, submodel(model, name), 0)
        if name in data:
            data[name] = new
            continue
        rank = order.index(name) if name in order else len(order)
        position = sum(1 for k in data if k in order and order.index(k) < rank)
        data.insert(position, name, new)
    return dump(rt, data)


# ---------------------------------------------------------------------------------------------
# Files


@dataclass
class Formatted:
    reasons: dict[str, list[str]] = field(default_factory=dict)  # shown path -> what was off
    problems: list[Problem] = field(default_factory=list)  # files that could not be read
    files: int = 0


def record_files(paths: Iterable[Path]) -> list[tuple[str, Path]]:
    """(type, path) for each record file named or found in the folders named.

    Raise ValueError for a path that is neither a content folder, a type folder nor a record.
    """
    out: list[tuple[str, Path]] = []
    for path in paths:
        path = Path(path)
        if path.is_dir() and path.name in TYPES and not any((path / t).is_dir() for t in TYPES):
            out += [(path.name, p) for p in sorted(path.iterdir()) if p.suffix in EXTENSIONS]
        elif path.is_dir() and any((path / t).is_dir() for t in TYPES):
            out += [(t, p) for t, p in iter_record_files(path) if p.suffix in EXTENSIONS]
        elif path.is_file() and path.suffix in EXTENSIONS and path.parent.name in TYPES:
            out.append((path.parent.name, path))
        else:
            raise ValueError(
                f"{str(path)!r} is not a record file (content/<type>/<id>.yml) nor a folder of them"
            )
    return out


def _write(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def format_files(paths: Iterable[Path], *, check: bool) -> Formatted:
    """Check (and unless `check`, rewrite) every record file under `paths`."""
    result = Formatted()
    rt: YAML | None = None
    show = display_paths()
    for type_, path in record_files(paths):
        result.files += 1
        shown = show(path)
        record, problems = load_file(path, type_, shown)
        if record is None:
            result.problems += [p for p in problems if p.is_error]
            continue
        reasons = check_text(record.text, type_)
        if not reasons:
            continue
        result.reasons[shown] = reasons
        if check:
            continue
        rt = rt or roundtrip()
        try:
            formatted = format_text(record.text, type_, rt)
        except Exception as exc:  # noqa: BLE001 - one clear line, never a traceback
            message = f"cannot reformat: {exc}"
            result.problems.append(error(shown, 1, 1, "fmt.failed", message))
            del result.reasons[shown]
            continue
        _write(path, formatted)
    return result


__all__ = ["FOLD_WIDTH", "check_text", "format_files", "format_text", "update_text"]
