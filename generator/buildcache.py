"""The incremental state on disk (`.cache/factsheets/`, ignored by git), so that a second
`make site` after a one-record edit redoes only what changed, like a `mkdocs serve` rebuild.

The cache is used whole or not at all: its key is a digest of the generator's code, the
templates, mkdocs.yml, overrides/ and docs/, the Python version and the version of every
library the output depends on. Any change of these, an unreadable file or one written by
another version, and the build starts cold (and writes a new cache). The state itself is
checked record by record and page by page on each build, as in memory (generator/incremental.py),
so a stale cache can cost time, never correctness.

Written with pickle: the state is our own dataclasses, pydantic models and MkDocs' table of
contents objects, read back by the same code that wrote them (the key makes sure of it);
diskcache or shelve would add a key-value store around what is one object read and written whole.
It is read and written with the cyclic garbage collector paused (`pipeline.gc_paused`): else the
collector walks the millions of objects as they are made; at 10,000 records (a 400 MB state) that
was 3.7 s of reading it and 1.5 s of writing it, against 0.9 s and 2.0 s for the rest.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import shutil
import sys
import tempfile
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
FILE = Path(".cache") / "factsheets" / "state.pickle"
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


def load(root: Path, key: str) -> Any | None:
    """The state saved under `key`, or None (no cache, another key, unreadable)."""
    try:
        with (root / FILE).open("rb") as handle, gc_paused():
            saved_key, state = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return None
    return state if saved_key == key else None


def save(root: Path, key: str, state: Any) -> None:
    """Write the state under `key`, atomically; a failure leaves no cache rather than a bad one."""
    target = root / FILE
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".state-")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out, gc_paused():
            pickle.dump((key, state), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        Path(temporary).unlink(missing_ok=True)
        target.unlink(missing_ok=True)
