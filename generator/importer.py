"""`factsheet import TYPE FILE`: one record per row of a .csv or .xlsx sheet.

The sheet's first row names the columns; each column maps to a field by name:

* `title`, `date`, `status`, … a field holding one value;
* `cite`, `topics`, `aliases`, … a list: its entries separated by `;` in one cell (the Markdown
  list `outcomes`: one entry a line of the cell);
* `native_names.ru`, `identifiers.wikidata`: one key of a mapping a column;
* `participants.1.actor`, `participants.1.role`, `participants.2.actor`, …: the fields of the
  first, second … entry of a list of entries (participants, posts, quotes, disagreements); a list
  inside an entry (`participants.1.cite`) is `;`-separated too;
* any list or mapping column may instead hold JSON (`["a", "b"]`, `[{"actor": "x"}]`), as
  `factsheet export --format csv` writes it: an export imports back unchanged (the `'` the export
  puts before a cell starting with `=`, `+`, `-`, `@` is taken off again).

The id comes from an `id` column, or is derived from the name or title (and the date, for
meetings) as an ASCII slug that no record uses yet. Every imported record is validated together
with the existing content before anything is written; on any error nothing is written and every
problem is reported at FILE:ROW:COLUMN (the sheet's row, the column's number; the message starts
with the column's header). An existing record is changed only with `update=True`, and then only in
the fields the sheet holds (an empty cell leaves its field as it is).

The sheet is read by the standard library's `csv` and by openpyxl (a well-kept reader of the
.xlsx format, read-only streaming mode); nothing here parses XLSX by hand. New records are
written by layout.dump_record (the same layout `factsheet fmt` keeps); updated ones through
ruamel.yaml's round trip (fmt.update_text), so their comments stay.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime as dt
import difflib
import functools
import json
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, get_origin

from pydantic import BaseModel

from .changes import Changed, Changes, field_changes
from .export import FORMULA_START
from .layout import dump_record, submodel
from .load import (
    EXTENSIONS,
    LoadResult,
    RawRecord,
    display_path,
    display_paths,
    iter_record_files,
    load_records,
)
from .model import MARKDOWN_FIELDS, MODELS, SLUG_RE, TITLE_FIELD, _unwrap
from .pipeline import Checked, check_loaded, gc_paused
from .problems import Problem, error, sort_problems

SHEET_SUFFIXES = (".csv", ".xlsx")
MAX_ID = 72  # a derived id is cut at a word boundary to at most this many characters


class ImportError_(Exception):
    """The sheet cannot be read at all (unknown suffix, not a workbook): a usage error, exit 2."""


# ---------------------------------------------------------------------------------------------
# Reading the sheet


@dataclass
class Sheet:
    path: str  # as shown in messages
    headers: list[str]
    rows: list[tuple[int, dict[int, str]]]  # (row number, {column number: non-empty text})


def _cell_text(value: Any) -> str:
    """A cell's value as text: what the editor typed (a date cell as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]  # the export's guard against formula injection, taken off again
    return text.strip()


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _xlsx_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook  # only an .xlsx import pays for it

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_sheet(path: Path) -> Sheet:
    """Read a .csv (UTF-8) or the first worksheet of an .xlsx; raise ImportError_ if unreadable."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SHEET_SUFFIXES:
        raise ImportError_(f"{str(path)!r} is not a .csv or .xlsx file")
    if not path.is_file():
        raise ImportError_(f"sheet {str(path)!r} not found")
    try:
        rows = _csv_rows(path) if suffix == ".csv" else _xlsx_rows(path)
    except UnicodeDecodeError:
        raise ImportError_(f"{str(path)!r} is not UTF-8: save the sheet as CSV UTF-8") from None
    except (csv.Error, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportError_(f"cannot read {str(path)!r}: {exc}") from None
    if not rows:
        raise ImportError_(f"{str(path)!r} is empty: its first row names the columns")
    headers = [_cell_text(h) for h in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    body = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {}
        for column, value in enumerate(row, start=1):
            text = _cell_text(value)
            if text:
                cells[column] = text
        if cells:
            body.append((number, cells))
    return Sheet(display_path(path), headers, body)


# ---------------------------------------------------------------------------------------------
# Columns -> fields


@dataclass(frozen=True)
class Column:
    number: int
    header: str
    field: str | None = None  # None: the id column
    entry: int | None = None  # participants.N.…: N - 1
    key: str | None = None  # the entry's field, or the mapping's key
    shape: str = "scalar"  # scalar, list, mapping, entries (list of models)


@functools.cache  # once per model and field, not once per cell
def _shape(model: type[BaseModel], name: str) -> str:
    annotation, _ = _unwrap(model.model_fields[name].annotation)
    if get_origin(annotation) is dict:
        return "mapping"
    if get_origin(annotation) is list:
        return "entries" if submodel(model, name) is not None else "list"
    return "scalar"


def _suggest(name: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else f"use one of: {', '.join(allowed)}"


def map_columns(sheet: Sheet, type_: str) -> tuple[dict[int, Column], list[Problem]]:
    """Each header's field; a problem (at row 1) for each header that names none."""
    model = MODELS[type_]
    columns: dict[int, Column] = {}
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    allowed = ["id", *model.model_fields]

    def refuse(number: int, code: str, message: str) -> None:
        problems.append(error(sheet.path, 1, number, code, message))

    for number, header in enumerate(sheet.headers, start=1):
        if not header:
            if any(number in cells for _, cells in sheet.rows):
                refuse(number, "import.column", f"column {number} has no header: name its field")
            continue
        if header in seen:
            refuse(
                number,
                "import.duplicate-column",
                f"column {header!r} appears twice (first as column {seen[header]}): keep one",
            )
            continue
        seen[header] = number
        parts = header.split(".")
        name = parts[0]
        if header == "id":
            columns[number] = Column(number, header)
            continue
        if name not in model.model_fields:
            refuse(
                number,
                "import.unknown-column",
                f"column {header!r} is not a field of {type_}: {_suggest(name, allowed)}",
            )
            continue
        shape = _shape(model, name)
        if len(parts) == 1:
            columns[number] = Column(number, header, name, shape=shape)
        elif shape == "mapping" and len(parts) == 2 and parts[1]:
            columns[number] = Column(number, header, name, key=parts[1], shape=shape)
        elif shape == "entries" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) >= 1:
            entry_model = submodel(model, name)
            assert entry_model is not None
            if parts[2] not in entry_model.model_fields:
                refuse(
                    number,
                    "import.unknown-column",
                    f"column {header!r}: {parts[2]!r} is not a field of an entry of {name}: "
                    f"{_suggest(parts[2], list(entry_model.model_fields))}",
                )
                continue
            columns[number] = Column(
                number, header, name, entry=int(parts[1]) - 1, key=parts[2], shape=shape
            )
        else:
            forms = {
                "scalar": f"{name!r}",
                "list": f"{name!r} (entries separated by ';')",
                "mapping": f"{name!r} (JSON) or {name}.KEY, e.g. {name}.ru",
                "entries": f"{name!r} (JSON) or {name}.N.FIELD, e.g. {name}.1.{next(iter(submodel(model, name).model_fields))}",  # type: ignore[union-attr]
            }
            refuse(number, "import.column", f"column {header!r}: write it as {forms[shape]}")
    return columns, problems


def _list(text: str, markdown: bool) -> list[str]:
    parts = text.splitlines() if markdown else text.split(";")
    return [p.strip() for p in parts if p.strip()]


def _prune(value: Any) -> Any:
    """Drop empty lists and mappings (an export writes `[]` for an unset list): same as absent."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if _prune(v) not in ([], {}, None)}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


@functools.cache
def _entry_list_fields(model: type[BaseModel] | None) -> frozenset[str]:
    if model is None:
        return frozenset()
    return frozenset(n for n in model.model_fields if _shape(model, n) == "list")


class _CellError(Exception):
    pass


def _json(text: str, want: type) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _CellError(f"is not valid JSON ({exc.msg} at character {exc.pos + 1})") from None
    if not isinstance(value, want):
        raise _CellError(f"JSON here must be {'a list' if want is list else 'an object'}")
    return value


@dataclass
class Row:
    number: int
    data: dict[str, Any]
    positions: dict[tuple, tuple[int, int]]
    id: str | None  # from the id column
    id_column: int | None
    problems: list[Problem] = field(default_factory=list)


def read_row(
    sheet: Sheet, number: int, cells: dict[int, str], columns: dict[int, Column], type_: str
) -> Row:
    """One row as raw record data (strings, lists, mappings), each value's cell recorded."""
    model = MODELS[type_]
    row = Row(number, {}, {(): (number, 1)}, None, None)
    entries: dict[str, dict[int, dict[str, Any]]] = {}
    for column_number in sorted(cells):
        column = columns.get(column_number)
        if column is None:
            continue
        text = cells[column_number]
        at = (number, column_number)
        if column.field is None:
            row.id, row.id_column = text, column_number
            continue
        name = column.field
        try:
            if column.shape == "scalar":
                row.data[name] = text
                row.positions[(name,)] = at
            elif column.shape == "list":
                value = _json(text, list) if text.startswith("[") else None
                value = value if value is not None else _list(text, name in MARKDOWN_FIELDS)
                if value:
                    row.data[name] = value
                    row.positions[(name,)] = at
                    for index in range(len(value)):
                        row.positions[(name, index)] = at
            elif column.key is None:  # a whole mapping or list of entries as JSON
                value = _prune(_json(text, dict if column.shape == "mapping" else list))
                if value:
                    row.data[name] = value
                    row.positions[(name,)] = at
            elif column.shape == "mapping":
                row.data.setdefault(name, {})[column.key] = text
                row.positions.setdefault((name,), at)
                row.positions[(name, column.key)] = at
            else:
                entry_model = submodel(model, name)
                lists = _entry_list_fields(entry_model)
                value = _list(text, False) if column.key in lists else text
                entry = entries.setdefault(name, {}).setdefault(column.entry, {})
                if value:
                    entry[column.key] = (value, at)
        except _CellError as exc:
            row.problems.append(
                error(sheet.path, number, column_number, "import.cell", f"{exc}: fix the cell")
            )
    for name, by_index in entries.items():
        if name in row.data:
            first = min(at for e in by_index.values() for _, at in e.values())
            row.problems.append(
                error(
                    sheet.path,
                    *first,
                    "import.column",
                    f"{name} is given both as JSON and as {name}.N.… columns: keep one form",
                )
            )
            continue
        items = []
        for index in sorted(by_index):
            entry = by_index[index]
            if not entry:
                continue
            position = len(items)
            items.append({key: value for key, (value, _) in entry.items()})
            cells_at = [at for _, at in entry.values()]
            row.positions.setdefault((name,), min(cells_at))
            row.positions[(name, position)] = min(cells_at)
            for key, (value, at) in entry.items():
                row.positions[(name, position, key)] = at
                if isinstance(value, list):
                    for item_index in range(len(value)):
                        row.positions[(name, position, key, item_index)] = at
        if items:
            row.data[name] = items
    return row


# ---------------------------------------------------------------------------------------------
# Ids


def slugify(text: str) -> str:
    """An ASCII id from `text`: accents dropped, lowercase, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_ID:
        slug = slug[:MAX_ID].rsplit("-", 1)[0]
    return slug


def derive_id(type_: str, data: dict[str, Any]) -> str:
    """The id a record would get from its name or title (and date); "" when they give none."""
    title = TITLE_FIELD[type_]
    names = [title] if title else ["holder", "topic"]  # positions: whose stance on what
    parts = [data.get(name) for name in names]
    if not all(isinstance(p, str) and slugify(p) for p in parts):
        return ""
    if type_ in ("meetings", "positions") and isinstance(data.get("date"), str):
        parts.append(data["date"])
    return "-".join(w for w in map(slugify, parts) if w)


def _free(base: str, taken: set[str]) -> str:
    candidate, suffix = base, 2
    while candidate in taken:
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    return candidate


# ---------------------------------------------------------------------------------------------
# The import


@dataclass
class Imported:
    sheet: Sheet
    checked: Checked
    problems: list[Problem]  # errors anywhere, warnings of the sheet's records
    changes: Changes
    files: dict[Path, str]  # what to write (new and changed records)
    updated: set[Path] = field(default_factory=set)  # the files of `files` that exist
    rows: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


# Problems about a record as a whole: at its row's first cell, but not about that column.
_ROW_CODES = {"schema.missing-field", "id.duplicate", "import.no-id"}


def _label(problem: Problem, sheet: Sheet, columns: dict[int, Column]) -> Problem:
    """Start a sheet problem's message with its column's header (the row is its line)."""
    if problem.path != sheet.path or problem.line == 1:
        return problem
    if problem.code in _ROW_CODES or problem.column not in columns:
        return replace(problem, message=f"row {problem.line}: {problem.message}")
    return replace(problem, message=f"column {columns[problem.column].header!r}: {problem.message}")


def import_sheet(content: Path, type_: str, sheet_path: Path, *, update: bool = False) -> Imported:
    """Read, map and validate a sheet together with `content`; say what writing it would do."""
    with gc_paused():  # as pipeline.check: every record stays alive to the end
        return _import_sheet(content, type_, sheet_path, update)


def _import_sheet(content: Path, type_: str, sheet_path: Path, update: bool) -> Imported:
    content = Path(content)
    sheet = read_sheet(sheet_path)
    columns, problems = map_columns(sheet, type_)
    loaded = load_records(content)
    existing = {r.id: r for r in loaded.records}
    on_disk: dict[str, tuple[str, Path]] = {}
    for folder, path in iter_record_files(content):
        if path.suffix in EXTENSIONS:
            on_disk.setdefault(path.stem, (folder, path))
    former = {
        old: r.id
        for r in loaded.records
        if isinstance(r.data.get("former_ids"), list)
        for old in r.data["former_ids"]
        if isinstance(old, str)
    }
    taken = set(on_disk) | set(former)  # and each id a row claims, as it claims it
    claimed: dict[str, int] = {}  # id -> the sheet row that has it
    imported: list[RawRecord] = []
    updates: dict[str, tuple[RawRecord, dict[str, Any]]] = {}  # id -> (existing, sheet fields)
    for number, cells in sheet.rows:
        row = read_row(sheet, number, cells, columns, type_)
        problems += row.problems
        at = (number, row.id_column or 1)
        record_id = row.id
        if record_id is None:
            base = derive_id(type_, row.data)
            if not base:
                what = TITLE_FIELD[type_] or "holder and topic"
                problems.append(
                    error(
                        sheet.path,
                        *at,
                        "import.no-id",
                        f"no id: add an id column, or a {what} with Latin letters or digits to derive one from",
                    )
                )
                record_id = f"import-row-{number}"
            else:
                record_id = _free(base, taken)
        elif not SLUG_RE.match(record_id):
            problems.append(
                error(
                    sheet.path,
                    *at,
                    "id.invalid",
                    f"{record_id!r} is not a valid id: use lowercase a-z, 0-9 and single hyphens",
                )
            )
            record_id = f"import-row-{number}"
        elif record_id in claimed:
            problems.append(
                error(
                    sheet.path,
                    *at,
                    "import.duplicate-id",
                    f"id {record_id!r} is also the id of row {claimed[record_id]}: ids are unique",
                )
            )
            record_id = f"import-row-{number}"
        elif record_id in on_disk or record_id in former:
            folder, path = on_disk.get(record_id, (None, None))
            if record_id in former:
                message = (
                    f"id {record_id!r} is a former id of {former[record_id]!r}: choose another"
                )
                code = "import.id-taken"
            elif folder != type_:
                message = f"id {record_id!r} is already used by {display_path(path)}: ids are unique across all types"
                code = "import.id-taken"
            elif record_id not in existing:
                message = f"{display_path(path)} cannot be read (see its errors): fix it before updating it"
                code = "import.unreadable-record"
            elif not update:
                message = f"{display_path(path)} already exists: pass --update to change the fields the sheet holds, or choose another id"
                code = "import.exists"
            else:
                message = ""
                code = ""
            if message:
                problems.append(error(sheet.path, *at, code, message))
                record_id = f"import-row-{number}"
            else:
                claimed[record_id] = number
                taken.add(record_id)
                old = existing[record_id]
                merged = copy.deepcopy(old.data)
                fields = {}
                for name, value in row.data.items():
                    if field_changes({name: old.data.get(name)}, {name: value}):
                        merged[name] = value
                        fields[name] = value
                updates[record_id] = (old, fields)
                imported.append(RawRecord(type_, record_id, sheet.path, merged, row.positions))
                continue
        claimed[record_id] = number
        taken.add(record_id)
        imported.append(RawRecord(type_, record_id, sheet.path, row.data, row.positions))

    kept = [r for r in loaded.records if r.id not in updates]
    checked = check_loaded(
        LoadResult(
            kept + imported, loaded.problems, loaded.files + len(sheet.rows), loaded.unparsed
        )
    )
    found = [
        _label(p, sheet, columns)
        for p in sort_problems(problems + checked.problems)
        if p.is_error or p.path == sheet.path
    ]
    changes = Changes(base=f"`{display_path(content)}`", head=f"`{sheet.path}`")
    files: dict[Path, str] = {}
    updated: set[Path] = set()
    unchanged = 0
    if not any(p.is_error for p in found):
        from .fmt import roundtrip, update_text

        rt = None
        show = display_paths()  # each folder resolved once, not each file
        for record in imported:
            if record.id in updates:
                old, fields = updates[record.id]
                delta = field_changes(old.data, record.data)
                if not delta:
                    unchanged += 1
                    continue
                rt = rt or roundtrip()
                path = on_disk[record.id][1]
                files[path] = update_text(old.text, type_, fields, rt)
                updated.add(path)
                changes.changed.append(Changed(old, delta, old))
            else:
                path = content / type_ / f"{record.id}.yml"
                files[path] = dump_record(type_, record.data)
                shown = show(path)
                changes.added.append(RawRecord(type_, record.id, shown, record.data))
    return Imported(sheet, checked, found, changes, files, updated, len(sheet.rows), unchanged)


def write_imported(imported: Imported) -> None:
    """Write every file of a valid import, each complete (written aside, then moved in).

    A new record's file is linked into place, which fails rather than overwrite a file that
    appeared since the check; an updated one replaces its old version. Each file aside is
    created exclusively (O_EXCL: a name taken is an error, never a file overwritten) with the
    umask's permissions, under one random suffix per import: three system calls fewer a file
    than tempfile.mkstemp and a chmod, which was a third of writing 10,000 records.
    """
    token = secrets.token_hex(6)
    folders: set[Path] = set()
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in imported.files.items():
            if path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
            temporary = os.path.join(path.parent, f".{path.name}.{token}.tmp")
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            staged.append((temporary, path))
            try:
                data = memoryview(text.encode("utf-8"))
                while data:
                    data = data[os.write(handle, data) :]
            finally:
                os.close(handle)
        for temporary, path in staged:
            if path in imported.updated:
                os.replace(temporary, path)
            else:
                os.link(temporary, path)  # FileExistsError rather than overwrite
    finally:
        for temporary, _ in staged:
            with contextlib.suppress(FileNotFoundError):  # moved in by os.replace
                os.unlink(temporary)
