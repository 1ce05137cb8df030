"""The incremental state on disk (`.cache/factsheets/`, ignored by git), so that a second
`make site` after a one-record edit redoes only what changed, like a `mkdocs serve` rebuild.

The cache is used whole or not at all: its key is a digest of the generator's code, the
templates, mkdocs.yml, overrides/ and docs/, the Python version and the version of every
library the output depends on. Any change of these, an unreadable file or one written by
another version, and the build starts cold (and writes a new cache). The state itself is
checked record by record and page by page on each build, as in memory (generator/incremental.py),
so a stale cache can cost time, never correctness.

Kept in SQLite, pickled in parts (`Store`): the state is our own dataclasses, pydantic models
and MkDocs' table of contents objects, read back by the same code that wrote them (the key makes
sure of it). It is read and written with the cyclic garbage collector paused
(`pipeline.gc_paused`): else the collector walks the millions of objects as they are made; at
10,000 records (a 400 MB state) that was 3.7 s of reading it and 1.5 s of writing it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import io
import operator
import os
import pickle
import shutil
import sqlite3
import sys
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from .incremental import fingerprint
from .pipeline import gc_paused

LIBRARIES = (
    "mkdocs",
    "mkdocs-material",
    "mkdocs-redirects",
    "markdown",
    "pymdown-extensions",
    "jinja2",
    "pydantic",
    "pyyaml",
    "nh3",
    "networkx",
)
DATABASE = Path(".cache") / "factsheets" / "state.sqlite"
LEGACY = Path(".cache") / "factsheets" / "state.pickle"
JINJA = Path(".cache") / "factsheets" / "jinja"


def cache_key(root: Path, templates: Path, config_file: Path) -> str:
    """What the whole cache depends on."""
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    code = Path(__file__).resolve().parent
    folders = fingerprint(code, templates, root / "overrides", root / "docs")
    try:
        config = hashlib.blake2b(config_file.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        config = ""
    return "|".join([sys.version, *versions, folders, config])


class MemoryBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory across `mkdocs serve` rebuilds (MkDocs makes the theme's
    environment anew for each). Jinja checks each against its template's source."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


def bytecode(root: Path, key: str | None, kind: str) -> jinja2.BytecodeCache:
    """Where one environment's (`kind`: the theme's, our pages') compiled templates are kept:
    with a cache key, on disk in `.cache/factsheets/jinja/<digest of the key>/<kind>/` (Jinja's
    FileSystemBytecodeCache; other keys' folders are removed), so that a second `mkdocs build`
    does not compile them again; else in memory. One folder an environment: Jinja's bucket key
    is the template's name and file, not the environment's settings."""
    if key is None:
        return MemoryBytecode()
    top = root / JINJA / hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
    try:
        for other in (root / JINJA).glob("*") if (root / JINJA).is_dir() else []:
            if other != top:
                shutil.rmtree(other, ignore_errors=True)
        (top / kind).mkdir(parents=True, exist_ok=True)
    except OSError:
        return MemoryBytecode()
    return jinja2.FileSystemBytecodeCache(str(top / kind))


class Store:
    """The state on disk: `.cache/factsheets/state.sqlite`, rewritten in part on each build.

    The state's large maps (TABLES: every file's load and validate result, the link memo, every
    page's Markdown, dependencies and what MkDocs made of it, the outputs of one record each)
    are each cut into BUCKETS buckets by their keys, each bucket pickled into a row of its own;
    the rest of the state (the facts, the history, the site folder's record, ...) is one more
    row. A save rewrites only the buckets where a key was added or removed or its value is not
    the very object loaded or last saved (an unchanged file, page or record keeps its object
    across builds, see generator/incremental.py), and the rest: after a one-record edit at
    10,000 records, a few dozen rows of a few thousand. Records and page Markdown that several
    maps share are pickled once, in the map that holds them (`_Shared`), and named elsewhere,
    so that what the build compares by identity (an unchanged file's record is the very record
    of last time) is so after loading too.

    One transaction a save, one a load: a reader sees one whole save or another. Each save
    writes a new generation token; a save that finds another token than the one it loaded (two
    builds at once), another key or no file writes the whole state into a new file, swapped in
    once written. SQLite, from the standard library, is the store: shelve and dbm write a key's
    value in place but have no transaction over several keys, and diskcache adds eviction and
    its own serialisation around what is an all-or-nothing state.

    Measured at 10,000 records, one actor renamed: writing the state whole as one pickle (390
    MB) was 2.2 to 2.7 s of the second `make site`; saving what changed is 0.6 to 0.7 s (a few
    dozen buckets, and the rest: 35 MB, most of it the feeds' memo). Reading is as before, 1.1
    to 1.4 s: every value is read, as every one is used."""

    BUCKETS = 256

    def __init__(self, root: Path, key: str) -> None:
        self.path = root / DATABASE
        self.key = key
        self.generation: str | None = None  # the token of the save this process holds
        self.saved: dict[str, dict] = {}  # table -> key -> the value as loaded or saved

    # -- reading ---------------------------------------------------------------------------
    def load(self) -> Any | None:
        """The state saved under this key, or None (no cache, another key, unreadable)."""
        try:
            uri = self.path.resolve().as_uri() + "?mode=ro"
            connect = sqlite3.connect(uri, uri=True, isolation_level=None)
            with gc_paused(), contextlib.closing(connect) as db:
                db.execute("BEGIN")
                meta = dict(db.execute("SELECT name, value FROM meta"))
                if meta.get("key") != self.key.encode():
                    return None
                tables: dict[str, dict] = {name: {} for name in TABLES}
                shared = _Shared()
                for name in TABLES:  # in order: what a table names is in one before it
                    # a row at a time: the pickles are let go as they are read (all at once,
                    # they were 400 MB more at the peak at 10,000 records)
                    named = shared.objects if name in NAMING else None
                    for (data,) in db.execute("SELECT data FROM buckets WHERE tbl = ?", (name,)):
                        tables[name].update(_loads(data, named))
                    shared.index(name, tables[name])
                chunks = sorted((k, v) for k, v in meta.items() if k.startswith(PARTS))
                parts = pickle.loads(b"".join(v for _k, v in chunks))
                objects = {**shared.objects, **_names(tables, "table"), **_names(parts, "part")}
                state = _loads(meta["rest"], objects)
                generation = meta["generation"].decode()
        except (OSError, KeyError, EOFError, sqlite3.Error, pickle.UnpicklingError) + _STALE_CODE:
            return None
        self.generation = generation
        self.saved = {name: _snapshot(name, table) for name, table in tables.items()}
        return state

    def forget(self) -> None:
        """Let go of what was loaded (the next save writes the whole state): a `mkdocs serve`
        session saves once, when it ends, and over its rebuilds what it loaded would be held
        as a second copy of each value replaced (after a template edit, every page's)."""
        self.generation, self.saved = None, {}

    # -- writing ---------------------------------------------------------------------------
    def save(self, state: Any) -> None:
        """Write the state; a failure leaves the last save whole, or no cache."""
        tables = _tables(state)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with gc_paused():
                generation = self._write(self.path, state, tables, whole=False)
                if generation is None:  # a first save, another key, another build's save
                    self.saved = {}
                    temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
                    _remove(temporary)
                    try:
                        generation = self._write(temporary, state, tables, whole=True)
                        os.replace(temporary, self.path)
                    finally:
                        _remove(temporary)
        except (OSError, sqlite3.Error, pickle.PicklingError, TypeError, AttributeError):
            self.generation, self.saved = None, {}
            _remove(self.path)
            return
        self.generation = generation
        self.saved = {name: _snapshot(name, table) for name, table in tables.items()}
        (self.path.parent / LEGACY.name).unlink(missing_ok=True)  # an older version's cache

    def _write(self, path: Path, state: Any, tables: dict[str, dict], whole: bool) -> str | None:
        """Save into `path`: `whole`, into a new file (no journal: it is swapped in once
        written); else only what changed since the save this process holds, in one
        transaction, or None if the file holds another one."""
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
            if whole:  # a new file; large pages: most rows are large (half a megabyte)
                db.execute("PRAGMA page_size=65536")
            db.execute(f"PRAGMA journal_mode={'OFF' if whole else 'DELETE'}")
            db.execute("PRAGMA synchronous=OFF")  # a torn cache fails to load: a cold build
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS buckets"
                " (tbl TEXT, bucket INTEGER, data BLOB, PRIMARY KEY (tbl, bucket))"
            )
            db.execute("BEGIN IMMEDIATE")
            if not whole:
                meta = dict(db.execute("SELECT name, value FROM meta"))
                if (
                    meta.get("key") != self.key.encode()
                    or self.generation is None
                    or meta.get("generation") != self.generation.encode()
                ):
                    db.execute("ROLLBACK")
                    return None
            shared = _Shared()
            for name in TABLES:
                table = tables.get(name, {})
                for bucket, data in self._dirty(name, table, shared):
                    if data is None:
                        db.execute(
                            "DELETE FROM buckets WHERE tbl = ? AND bucket = ?", (name, bucket)
                        )
                    else:
                        db.execute("REPLACE INTO buckets VALUES (?, ?, ?)", (name, bucket, data))
                shared.index(name, table)
            generation = uuid.uuid4().hex
            parts = _parts(state)
            named = {
                **shared.names,
                **{id(obj): name for name, obj in _names(tables, "table").items()},
                **{id(obj): name for name, obj in _names(parts, "part").items()},
            }
            rest = _dumps(state, named)
            _dump_rows(db, PARTS, parts)
            db.executemany(
                "REPLACE INTO meta VALUES (?, ?)",
                [
                    ("key", self.key.encode()),
                    ("generation", generation.encode()),
                    ("rest", rest),
                ],
            )
            db.execute("COMMIT")
        return generation

    def _dirty(self, name: str, table: dict, shared: _Shared) -> Iterator[tuple[int, bytes | None]]:
        """(bucket, its pickle, or None when it is empty now) for each bucket that changed."""
        saved = self.saved.get(name)
        if saved is None:
            buckets = {_bucket(key) for key in table}
        else:
            buckets = {_bucket(key) for key in saved.keys() - table.keys()}
            buckets |= {
                _bucket(key)
                for key, value in table.items()
                if not _same(saved.get(key, _MISSING), _kept(name, value))
            }
        members: dict[int, dict] = {bucket: {} for bucket in buckets}
        for key, value in table.items():
            bucket = _bucket(key)
            if bucket in members:
                members[bucket][key] = value
        for bucket in sorted(buckets):
            values = members[bucket]
            named = shared.names if name in NAMING else None
            yield bucket, _dumps(values, named) if values else None


_MISSING = object()
_STALE_CODE = (AttributeError, ImportError, ValueError, TypeError, IndexError)


@functools.lru_cache(maxsize=1 << 18)
def _bucket(key: Any) -> int:
    # remembered: every save asks it of every key (100,000 at 10,000 records)
    return zlib.crc32(repr(key).encode("utf-8")) % Store.BUCKETS


def _kept(name: str, value: Any) -> Any:
    """What a save remembers of a value to know it unchanged: the value itself; for a file's
    entry, also its typed record and problems (set in place when the entry is validated)."""
    if name == "entries":
        return (value, value.typed, value.validate_problems)
    return value


def _snapshot(name: str, table: dict) -> dict:
    return {key: _kept(name, value) for key, value in table.items()}


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    return (
        type(a) is tuple and type(b) is tuple and len(a) == len(b) and all(map(operator.is_, a, b))
    )


TABLES = ("entries", "pages", "clean", "depends", "near", "made", "digests")
NAMING = {"clean", "digests"}  # the tables whose values name shared objects (the others hold none)


def _tables(state: Any) -> dict[str, dict]:
    """The state's large maps, by table (see Store)."""
    incremental, made, _written = state
    tables = {
        "entries": incremental.files.entries,
        "clean": incremental.files.clean,
        "near": incremental.near.now,
        "made": made.made,
        "digests": made.digests,
    }
    if incremental.last is not None:
        tables["pages"] = incremental.last.pages
        tables["depends"] = incremental.last.depends
    return tables


class _Shared:
    """Objects held by one table and named by others (and by the rest of the state): a file's
    raw and typed record (table "entries"), a page's Markdown (table "pages")."""

    def __init__(self) -> None:
        self.names: dict[int, tuple] = {}  # id(object) -> its name, while saving
        self.objects: dict[tuple, Any] = {}  # name -> object, while loading

    def index(self, name: str, table: dict) -> None:
        if name == "entries":
            for key, entry in table.items():
                for kind, obj in (("raw", entry.raw), ("typed", entry.typed)):
                    if obj is not None:
                        self.names[id(obj)] = (kind, key)
                        self.objects[(kind, key)] = obj
        elif name == "pages":
            for key, markdown in table.items():
                self.names[id(markdown)] = ("page", key)
                self.objects[("page", key)] = markdown


def _parts(state: Any) -> dict[str, Any]:
    """Parts of the rest of the state that name no shared object nor table, pickled together at
    C speed (what they share among themselves, the History, stays shared)."""
    incremental, made, written = state
    parts = {"written": written, "serialised": incremental.serialised}
    if incremental.history is not None:
        parts["history"] = incremental.history
    if incremental.last is not None:
        facts = incremental.last.facts
        parts.update(site=incremental.last.site, backrefs=facts.backrefs, inline=facts.inline_links)
    return parts


PARTS = "parts/"  # the meta rows of the parts' pickle, in order: parts/000000, parts/000001, ...
CHUNK = 1 << 20


class _Chunks:
    """A pickle written as it is made, in rows of about CHUNK bytes (the pickler hands over a
    frame of 64 KB at a time). One pickle of the parts, 35 MB at 10,000 records, was the
    build's peak of memory: the pickler's growing buffer, then SQLite's copy of the value to
    bind it and another to write the row (100 MB over the rest of the save)."""

    def __init__(self, db: sqlite3.Connection, prefix: str) -> None:
        self.db, self.prefix, self.count = db, prefix, 0
        self.pieces: list[bytes] = []
        self.size = 0

    def write(self, data: Any) -> int:
        self.pieces.append(bytes(data))
        self.size += len(data)
        if self.size >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.pieces:
            name = f"{self.prefix}{self.count:06d}"
            self.db.execute("REPLACE INTO meta VALUES (?, ?)", (name, b"".join(self.pieces)))
            self.count += 1
        self.pieces, self.size = [], 0


def _dump_rows(db: sqlite3.Connection, prefix: str, obj: Any) -> None:
    """`obj` pickled at C speed into the meta rows `prefix`000000, `prefix`000001, ..."""
    db.execute("DELETE FROM meta WHERE name >= ? AND name < ?", (prefix, prefix + "~"))
    out = _Chunks(db, prefix)
    pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    out.flush()


def _names(objects: dict[str, Any], kind: str) -> dict[tuple, Any]:
    return {(kind, name): obj for name, obj in objects.items()}


def _dumps(obj: Any, named: dict[int, tuple] | None) -> bytes:
    """`obj` pickled; with `named` (id -> name), the objects it names are pickled by name. A
    call for each object pickled: the pickles without it (most of the state) go at C speed."""
    if named is None:
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = lambda value: named.get(id(value))  # type: ignore[method-assign]
    pickler.dump(obj)
    return out.getvalue()


def _loads(data: bytes, objects: dict[tuple, Any] | None) -> Any:
    if objects is None:
        return pickle.loads(data)
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = lambda pid: objects[pid]  # type: ignore[method-assign]
    return unpickler.load()


def _remove(path: Path) -> None:
    for suffix in ("", "-journal"):
        try:
            Path(str(path) + suffix).unlink(missing_ok=True)
        except OSError:
            pass
