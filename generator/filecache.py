"""Remembers each record file's load and validate results, so a rebuild parses only what changed.

A file is "unchanged" when its bytes are (a BLAKE2 digest of them, read each time): an mtime test
would miss two saves within the clock's tick, and reading 10,000 small files costs a tenth of a
second. Problems found in a file are remembered with it and reported again on every build.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .load import RawRecord, load_file
from .problems import Problem
from .validate import TypedRecord, validate_record


@dataclass
class _Entry:
    digest: bytes
    raw: RawRecord | None
    load_problems: list[Problem]
    typed: TypedRecord | None = None
    validate_problems: list[Problem] | None = None  # None: not validated yet


@dataclass
class FileCache:
    entries: dict[tuple[str, str], _Entry] = field(default_factory=dict)  # (type, shown) ->
    seen: set[tuple[str, str]] = field(default_factory=set)  # files met in the current build
    reloaded: int = 0  # files parsed in the current build
    # the records whose references checked clean, and what they registered (link.py's memo)
    clean: dict[str, Any] = field(default_factory=dict)

    def load(self, path: Path, type_: str, shown: str) -> tuple[RawRecord | None, list[Problem]]:
        """`load_file`, or what it returned for the same bytes last time."""
        key = (type_, shown)
        self.seen.add(key)
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        except OSError:
            digest = b""  # load_file reports why it cannot be read
        entry = self.entries.get(key)
        if entry is None or entry.digest != digest or not digest:
            raw, problems = load_file(path, type_, shown)
            entry = self.entries[key] = _Entry(digest, raw, problems)
            self.reloaded += 1
        return entry.raw, list(entry.load_problems)

    def validate(self, raw: RawRecord) -> tuple[TypedRecord | None, list[Problem]]:
        """`validate_record`, once per loaded file."""
        entry = self.entries.get((raw.type, raw.path))
        if entry is None or entry.raw is not raw:
            return validate_record(raw)
        if entry.validate_problems is None:
            entry.typed, entry.validate_problems = validate_record(raw)
        return entry.typed, list(entry.validate_problems)

    def forget_others(self) -> None:
        """Drop the files not met in this build (deleted or renamed); start the next build."""
        for key in set(self.entries) - self.seen:
            del self.entries[key]
        self.seen = set()

    def start(self) -> None:
        self.seen = set()
        self.reloaded = 0
