"""Load `content/<type>/<id>.yml` into raw records, each value with its line and column.

PyYAML's C parser composes the node tree (fast); we build plain Python values from it ourselves so
that nothing the editor wrote is changed on the way:

* every plain scalar is a string (no YAML 1.1 guessing: `NO`, `on`, `1:20`, `1.10`, `2025-06-26`
  stay as written); only an empty value, `~` or `null` becomes None, and the validator reports it;
* a duplicate key is an error, not a silent overwrite;
* anchors, aliases, non-standard tags and `!!python/...` are refused;
* UTF-8 only (a BOM is tolerated), a size limit per file, empty files refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model import SINGULAR, SLUG_RE, TYPES
from .problems import Problem, Severity, error

try:  # the C loader is a hard requirement in production; fall back only so errors stay readable
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 256 * 1024
# A record nests four deep; the C composer recurses and crashes the process some 20,000 deep, so
# nesting is capped, and files big enough to nest that deep are scanned before composing.
MAX_DEPTH = 32
SCAN_CHARS = 8 * 1024
# One extension, as the README says: `.yaml` (or `.YML`) is refused with a rename hint rather
# than read, so a record's file name is predictable from its id.
EXTENSION = ".yml"
YAML_SUFFIXES = (".yml", ".yaml")  # what looks like a record when hidden or misplaced
EXTENSIONS = YAML_SUFFIXES  # names a record file may have been given (`factsheet new` checks)

Position = tuple[int, int]  # 1-based line, column
Path_ = tuple  # a path into a record: ("participants", 0, "actor")


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The C loader with every implicit type resolver removed: plain scalars are strings."""

    # With no implicit and no path resolvers, an untagged node's tag follows from its kind alone.
    # The parser calls these three (pure Python) for every node: answer directly, a tenth faster.
    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        return _DEFAULT_TAGS[kind]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


_Loader.yaml_implicit_resolvers = {}
assert not _Loader.yaml_path_resolvers, "path resolvers would need the inherited resolve()"

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}
_SCALAR_TAGS = {
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
}
_NULL_WORDS = {"", "~", "null", "Null", "NULL"}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@dataclass
class RawRecord:
    """A record as the editor wrote it, with the position of every key and list item."""

    type: str
    id: str
    path: str  # as shown in messages (relative to the working directory when possible)
    data: dict[str, Any]
    positions: dict[Path_, Position] = field(default_factory=dict)
    text: str = field(default="", repr=False)  # the file as written, for finding text in it

    def locate(self, snippet: str, from_line: int) -> Position | None:
        """Return the line and column of `snippet`'s first occurrence at or after `from_line`.

        Finds a link's own place in a text, plain or folded over lines; None when the text is
        not in the file as written (an escaped or imported value).
        """
        start = 0
        for _ in range(from_line - 1):
            start = self.text.find("\n", start) + 1
            if start == 0:
                return None
        found = self.text.find(snippet, start)
        if found < 0:
            return None
        line_start = self.text.rfind("\n", 0, found) + 1
        return self.text.count("\n", 0, found) + 1, found - line_start + 1

    def position(self, loc: Path_) -> Position:
        """Return the position of `loc`, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), (1, 1))

    def error(self, loc: Path_, code: str, message: str, *, near: str = "") -> Problem:
        """A problem at the position of `loc` in this record's file; with `near`, at that text's
        own place when the file holds it at or after the line of `loc` (a link in a long field)."""
        return self._problem("error", loc, code, message, near)

    def warning(self, loc: Path_, code: str, message: str, *, near: str = "") -> Problem:
        return self._problem("warning", loc, code, message, near)

    def _problem(self, severity: Severity, loc: Path_, code: str, message: str, near: str):
        line, column = self.position(loc)
        if near:
            line, column = self.locate(near, line) or (line, column)
        return Problem(self.path, line, column, code, message, severity)


@dataclass
class LoadResult:
    records: list[RawRecord]
    problems: list[Problem]
    files: int
    # id -> type of the record files that could not be read or parsed: they exist, so references
    # to them are not reported (their own problems are)
    unparsed: dict[str, str] = field(default_factory=dict)


class _Refused(Exception):
    def __init__(self, mark: Any, code: str, message: str):
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else 1
        self.column = mark.column + 1 if mark is not None else 1
        self.code = code
        self.message = message


def _build(node: yaml.Node, loc: Path_, positions: dict, seen: set[int]) -> Any:
    """Turn a composed node into plain values, recording positions and refusing what we must."""
    if id(node) in seen:
        raise _Refused(
            node.start_mark, "yaml.alias", "aliases (*name) are not allowed: write the value out"
        )
    seen.add(id(node))
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        if tag == _STR:
            if not node.style and node.value in _NULL_WORDS:
                return None
            return node.value
        if tag == _NULL:
            return None
        if tag in _SCALAR_TAGS:
            try:
                return getattr(_CONSTRUCTOR, _SCALAR_TAGS[tag])(node)
            except (ValueError, yaml.YAMLError):
                raise _Refused(
                    node.start_mark,
                    "yaml.tag",
                    f"{node.value!r} is not a valid {tag.rsplit(':', 1)[-1]}",
                ) from None
        if tag == "tag:yaml.org,2002:timestamp":
            return node.value
        raise _Refused(
            node.start_mark,
            "yaml.tag",
            f"tag {tag!r} is not allowed: remove it and write plain text",
        )
    if len(loc) >= MAX_DEPTH:
        raise _too_deep(node.start_mark)
    if isinstance(node, yaml.SequenceNode):
        if tag != _SEQ:
            raise _Refused(node.start_mark, "yaml.tag", f"tag {tag!r} is not allowed on a list")
        items = []
        for index, child in enumerate(node.value):
            child_loc = loc + (index,)
            positions[child_loc] = (child.start_mark.line + 1, child.start_mark.column + 1)
            items.append(_build(child, child_loc, positions, seen))
        return items
    if isinstance(node, yaml.MappingNode):
        if tag != _MAP:
            raise _Refused(node.start_mark, "yaml.tag", f"tag {tag!r} is not allowed on a mapping")
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(
                    key_node.start_mark,
                    "yaml.key",
                    "a key must be a plain word, not a list or mapping",
                )
            if key_node.tag == "tag:yaml.org,2002:merge" or (
                key_node.value == "<<" and not key_node.style
            ):
                raise _Refused(
                    key_node.start_mark,
                    "yaml.merge",
                    "merge keys (<<) are not allowed: write the fields out",
                )
            key = _build(key_node, loc, positions, seen)
            if key is None:
                raise _Refused(key_node.start_mark, "yaml.key", "a key must not be empty")
            key = str(key)
            if key in mapping:
                first = positions[loc + (key,)]
                raise _Refused(
                    key_node.start_mark,
                    "yaml.duplicate-key",
                    f"duplicate key {key!r} (first at line {first[0]}): keep one, merge the values",
                )
            child_loc = loc + (key,)
            positions[child_loc] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            mapping[key] = _build(value_node, child_loc, positions, seen)
        return mapping
    raise _Refused(node.start_mark, "yaml.node", "unsupported YAML node")  # pragma: no cover


def _too_deep(mark: Any) -> _Refused:
    message = f"values nest more than {MAX_DEPTH} deep: a record needs a few levels at most"
    return _Refused(mark, "yaml.too-deep", message)


def _scan(text: str) -> None:
    """Stream the events (no composing): refuse the first anchor or alias, or too deep a nesting."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            message = "anchors (&name) and aliases (*name) are not allowed: write each value out"
            raise _Refused(event.start_mark, "yaml.anchor", message)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def parse_text(text: str) -> tuple[Any, dict[Path_, Position]]:
    """Parse one YAML document into plain values and positions; raise _Refused on bad input."""
    if "&" in text or "*" in text or len(text) > SCAN_CHARS:
        _scan(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    positions: dict[Path_, Position] = {}
    if node is None:
        raise _Refused(None, "yaml.empty", "the file holds no record: write the record's fields")
    positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
    return _build(node, (), positions, set()), positions


def _line_text(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def display_path(path: Path) -> str:
    """Show `path` relative to the working directory when it lies inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def display_paths() -> Callable[[Path], str]:
    """`display_path` for many files in few folders: resolve each folder once, not each file."""
    here = Path.cwd().resolve()
    folders: dict[str, str | None] = {}  # folder -> its display path + separator; None: outside

    def shown(path: Path) -> str:
        folder, name = os.path.split(path)
        if folder not in folders:
            try:
                relative = str(Path(folder).resolve().relative_to(here))
                folders[folder] = "" if relative == "." else relative + os.sep
            except ValueError:
                folders[folder] = None
        prefix = folders[folder]
        return str(path) if prefix is None else prefix + name  # as display_path() would

    return shown


def load_file(
    path: Path, type_: str, shown: str | None = None
) -> tuple[RawRecord | None, list[Problem]]:
    """Read and parse one record file; never raises on bad content. `shown`: its path in messages."""
    shown = shown or display_path(path)
    record_id = path.stem
    problems: list[Problem] = []
    if not SLUG_RE.match(record_id):
        problems.append(
            error(
                shown,
                1,
                1,
                "id.invalid",
                f"file name {path.name!r} is not a valid id: use lowercase a-z, 0-9 and single hyphens, e.g. 'rajnath-singh.yml'",
            )
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, problems + [
                error(
                    shown,
                    1,
                    1,
                    "file.too-large",
                    f"file is {size} bytes, over the limit of {MAX_FILE_BYTES}: split the record or shorten it",
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return None, problems + [
            error(shown, 1, 1, "file.unreadable", f"cannot read the file: {exc.strerror or exc}")
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, problems + [
            error(
                shown,
                line,
                column,
                "file.encoding",
                f"byte 0x{raw[exc.start]:02x} is not UTF-8: save the file as UTF-8",
            )
        ]
    if not text.strip():
        return None, problems + [
            error(
                shown,
                1,
                1,
                "yaml.empty",
                "the file is empty: write the record's fields or delete the file",
            )
        ]
    try:
        data, positions = parse_text(text)
    except _Refused as refused:
        return None, problems + [
            error(shown, refused.line, refused.column, refused.code, refused.message)
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or "invalid YAML"
        code = "yaml.syntax"
        at = _line_text(text, line)
        indent = at[: len(at) - len(at.lstrip(" \t"))]
        near_tab = "\t" in at[: max(column, 1)] and (
            "tab" in message
            or "cannot start any token" in message
            or column <= len(at)
            and at[column - 1 : column] == "\t"
        )
        if "\t" in indent or near_tab:
            code = "yaml.tab"
            message = "a tab character where YAML expects spaces: indent with spaces"
            if "\t" in indent:
                column = indent.index("\t") + 1
        elif exc.context:
            message = f"{message} ({exc.context})"
        return None, problems + [error(shown, line, column, code, f"YAML syntax error: {message}")]
    except yaml.reader.ReaderError as exc:  # a control character; the C reader gives a byte offset
        before = text.encode("utf-8")[: exc.position]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        character = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = (
            f"YAML syntax error: character U+{character:04X} is not allowed in YAML: delete it"
        )
        return None, problems + [error(shown, line, column, "yaml.syntax", message)]
    except yaml.YAMLError as exc:
        return None, problems + [error(shown, 1, 1, "yaml.syntax", f"YAML error: {exc}")]
    if data is None:  # `---`, `~`, `null`: a document with nothing in it
        message = "the file holds no record: write the record's fields"
        return None, problems + [error(shown, 1, 1, "yaml.empty", message)]
    record = RawRecord(type_, record_id, shown, data, positions, text)
    if not isinstance(data, dict):
        message = "a record must be a mapping of fields (key: value), not a list or a single value"
        return None, problems + [record.error((), "yaml.not-mapping", message)]
    return record, problems


def _listing(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda e: e.name)


def _looks_like_yaml(name: str) -> bool:
    return name.lower().endswith(YAML_SUFFIXES)


def _symlink(path: Path) -> Problem:
    what = "points nowhere" if not path.exists() else "is a symbolic link"
    message = (
        f"{path.name!r} {what}: links in content/ are never followed (they could publish any "
        "file of the machine); put the record itself here as a plain file"
    )
    return error(display_path(path), 1, 1, "content.symlink", message)


def _screened(entry: os.DirEntry, path: Path, problems: list[Problem]) -> bool:
    """Whether `entry` is dealt with before it is looked at: a symbolic link (refused, never
    followed) or a dot entry (a hidden YAML file refused; `.git`, `.gitkeep` and the like ignored)."""
    if entry.is_symlink():
        problems.append(_symlink(path))
        return True
    if entry.name.startswith("."):
        if entry.is_file() and _looks_like_yaml(entry.name):
            problems.append(
                error(display_path(path), 1, 1, "content.hidden-file", _HIDDEN.format(entry.name))
            )
        return True
    return False


def scan_content(content: Path) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """Find the record files under `content`: (type, path) in order, and what must be refused.

    Nothing is skipped silently: a symbolic link (never followed), a hidden YAML file, a file
    where a type folder belongs, a folder inside a type folder and anything that is neither file
    nor folder are problems. Dot files that are not YAML (`.gitkeep`, `.DS_Store`) and dot
    folders (`.git`) are ignored; so are files other than YAML beside the type folders.
    """
    found: list[tuple[str, Path]] = []
    problems: list[Problem] = []

    def refuse(path: Path, code: str, message: str) -> None:
        problems.append(error(display_path(path), 1, 1, code, message))

    folders: dict[str, Path] = {}
    for entry in _listing(content):
        path = content / entry.name
        if _screened(entry, path, problems):
            continue
        if entry.is_dir():
            if entry.name in TYPES:
                folders[entry.name] = path
            else:
                hint = SINGULAR.get(entry.name)
                fix = f"rename it to {hint!r}" if hint else f"use one of: {', '.join(TYPES)}"
                message = f"folder {entry.name!r} is not a record type: {fix}"
                refuse(path, "content.unknown-type", message)
        elif entry.name in TYPES:
            message = f"{entry.name!r} is a file where the folder of the {entry.name} belongs"
            refuse(path, "content.not-a-folder", message + ": make it a folder of records")
        elif _looks_like_yaml(entry.name):
            message = (
                f"{entry.name!r} is not in a type folder: move it into one of {', '.join(TYPES)}"
            )
            refuse(path, "content.misplaced-file", message)
    for type_ in TYPES:
        if type_ not in folders:
            continue
        folder = folders[type_]
        for entry in _listing(folder):
            path = folder / entry.name
            if _screened(entry, path, problems):
                continue
            if entry.is_dir():
                message = (
                    f"folder {entry.name!r} inside {type_}/ is not read: "
                    f"move its records up into {type_}/"
                )
                refuse(path, "content.nested-folder", message)
            elif entry.is_file():
                found.append((type_, path))
            else:
                message = f"{entry.name!r} is not a plain file (a pipe or a device): remove it"
                refuse(path, "content.not-a-file", message)
    return found, problems


_HIDDEN = (
    "{0!r} is hidden (its name starts with a dot), so it would never be published: "
    "remove the dot to make it a record, or move it out of content/"
)


def iter_record_files(content: Path) -> Iterator[tuple[str, Path]]:
    """Yield (type, path) for every plain file under content/<type>/, sorted for stable output."""
    yield from scan_content(Path(content))[0]


LoadFile = Callable[[Path, str, str], tuple[RawRecord | None, list[Problem]]]


def load_records(content: Path, load: LoadFile = load_file) -> LoadResult:
    """Load every record under `content`; every problem is returned, nothing raised.

    `load` reads one file (`load_file`; the incremental build passes one that remembers)."""
    content = Path(content)
    records: list[RawRecord] = []
    if not content.is_dir():
        what = "is a file, not a folder" if content.exists() else "not found"
        return LoadResult(
            [],
            [
                error(
                    display_path(content),
                    1,
                    1,
                    "content.missing",
                    f"content folder {what}: pass the folder that holds actors/, meetings/, …",
                )
            ],
            0,
        )
    paths, problems = scan_content(content)
    shown = display_paths()
    unparsed: dict[str, str] = {}
    for type_, path in paths:
        if path.suffix != EXTENSION:
            problems.append(
                error(
                    display_path(path),
                    1,
                    1,
                    "file.extension",
                    f"{path.name!r} is not a .yml file: rename it to '{path.stem}.yml' or move it out of content/",
                )
            )
            unparsed[path.stem] = type_
            continue
        record, found = load(path, type_, shown(path))
        problems.extend(found)
        if record is not None:
            records.append(record)
        else:
            unparsed[path.stem] = type_
    if not paths and not problems:  # a misplaced record or folder is reported as itself
        message = (
            "the content folder holds no record: an empty site would replace the published one; "
            f"add records under {', '.join(t + '/' for t in TYPES)}"
        )
        problems.append(error(display_path(content), 1, 1, "content.empty", message))
    return LoadResult(records, problems, len(paths), unparsed)
