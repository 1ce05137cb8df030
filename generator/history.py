"""What changed in each record, and when, from git: one pass over the log for the whole content.

Two git calls for any number of records and commits: `git log --raw` over the content folder lists,
per commit, each record file added, modified or deleted with its old and new blob ids; one
`git cat-file --batch` then reads every blob needed (each parsed once, however many commits share
it). Each commit's changed files become two partial snapshots (the old versions, the new ones)
compared by `changes.compare_snapshots` — the very matching `factsheet changes` uses, so a rename
through `former_ids` is one "renamed" event and the reference updates it caused are no change.

Dates are the committer dates git recorded, never the clock. A shallow clone, a folder outside git
or a missing git gives `History(available=False, reason=…)`: the site says "history not
available" and the build goes on. Merge commits carry no changes of their own here (their
branches' commits do); the order is git's (newest first).

Libraries considered, not adopted: GitPython and pygit2. git itself is already required (the
footer's dates, `factsheet changes`), and the whole job is these two batch calls; GitPython reads
blobs through the same `cat-file --batch`, pygit2 adds a compiled libgit2 binding to pin.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from .changes import Changes, FieldChange, Snapshot, compare_snapshots, record_title
from .load import EXTENSIONS, RawRecord, _Refused, parse_text
from .model import TYPES

NO_BLOB = "0" * 40
GIT_TIMEOUT = 600


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str  # committer date, strict ISO 8601 with its offset: "2025-06-27T10:00:00+00:00"
    subject: str

    @property
    def day(self) -> str:
        return self.date[:10]


@dataclass
class Event:
    """One record's fact-level change in one commit."""

    commit: Commit
    kind: str  # "added" (first published), "changed", "renamed", "removed"
    type: str
    id: str  # the record's id in that commit
    title: str | None  # its name or title as written then
    changes: list[FieldChange] = field(default_factory=list)
    former: str | None = None  # "renamed": the id before
    order: int = 0  # position in History.events (0: newest)
    involves: frozenset[str] = frozenset()  # actors and topics it named, before or after


def _involves(*records: RawRecord | None) -> frozenset[str]:
    """The actors (participants, holder, expressed by) and topics a record version names."""
    found: set[str] = set()
    for record in records:
        data = record.data if record is not None else {}
        for name in ("holder", "expressed_by", "topic"):
            if isinstance(data.get(name), str):
                found.add(data[name])
        for value in data.get("topics") or [] if isinstance(data.get("topics"), list) else []:
            if isinstance(value, str):
                found.add(value)
        participants = data.get("participants")
        for entry in participants if isinstance(participants, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("actor"), str):
                found.add(entry["actor"])
    return frozenset(found)


@dataclass
class History:
    available: bool
    reason: str = ""  # why not, for the build log and the pages
    events: list[Event] = field(default_factory=list)  # newest first
    commits: int = 0
    blobs: int = 0
    by_id: dict[str, list[Event]] = field(init=False, default_factory=dict, repr=False)
    involving: dict[str, list[Event]] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for order, event in enumerate(self.events):
            event.order = order
            self.by_id.setdefault(event.id, []).append(event)
            for other in event.involves:
                self.involving.setdefault(other, []).append(event)

    def of(self, record_id: str, former_ids: list[str] | tuple[str, ...] = ()) -> list[Event]:
        """The record's events, newest first, including those under any id it had before."""
        found = list(self.by_id.get(record_id, []))
        for old in dict.fromkeys(former_ids):
            if old != record_id:
                found += self.by_id.get(old, [])
        return sorted(found, key=lambda e: e.order) if former_ids else found

    @property
    def newest(self) -> str | None:
        return self.events[0].commit.date if self.events else None


def unavailable(reason: str) -> History:
    return History(False, reason)


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-C", str(root), *args],
        input=stdin,
        capture_output=True,
        check=False,
        timeout=GIT_TIMEOUT,
    )


@dataclass
class _FileChange:
    status: str  # A, M, D (T: type change, treated as M)
    type: str
    id: str
    path: str
    old: str
    new: str


def _record_of(path: str, prefix: str) -> tuple[str, str] | None:
    """(type, id) for `<prefix>/<type>/<id>.yml`, else None (not a record file)."""
    parts = PurePosixPath(path).parts
    base = PurePosixPath(prefix).parts if prefix else ()
    if len(parts) != len(base) + 2 or tuple(parts[: len(base)]) != base:
        return None
    type_, name = parts[-2], PurePosixPath(parts[-1])
    if type_ not in TYPES or name.suffix not in EXTENSIONS or name.name.startswith("."):
        return None
    return type_, name.stem


def _parse_log(output: bytes, prefix: str) -> list[tuple[Commit, list[_FileChange]]]:
    commits = []
    for chunk in output.split(b"\x01")[1:]:
        fields = chunk.split(b"\0")
        if len(fields) < 3:
            continue
        sha, date, subject = (f.decode("utf-8", "replace") for f in fields[:3])
        files: list[_FileChange] = []
        rest = fields[3:]
        i = 0
        while i + 1 < len(rest):
            meta = rest[i].lstrip(b"\n")
            if not meta.startswith(b":"):
                i += 1
                continue
            path = os.fsdecode(rest[i + 1])
            i += 2
            parts = meta[1:].split()
            if len(parts) < 5:
                continue
            old_mode, new_mode, old, new, status = (p.decode() for p in parts[:5])
            found = _record_of(path, prefix)
            if found is None:
                continue
            if "120000" in (old_mode, new_mode) or "160000" in (old_mode, new_mode):
                continue  # symbolic links and submodules are no records
            status = "M" if status[0] == "T" else status[0]
            if status not in "AMD":
                continue
            files.append(_FileChange(status, *found, path, old, new))
        if files:
            commits.append((Commit(sha, date, " ".join(subject.split())), files))
    return commits


def _read_blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    if not shas:
        return {}
    batch = _git(root, "cat-file", "--batch", stdin=b"".join(s.encode() + b"\n" for s in shas))
    if batch.returncode != 0:
        return {}
    data, offset, out = batch.stdout, 0, {}
    while offset < len(data):
        header_end = data.index(b"\n", offset)
        header = data[offset:header_end].split()
        if len(header) < 3 or header[1] == b"missing":
            offset = header_end + 1
            continue
        size = int(header[2])
        out[header[0].decode()] = data[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1
    return out


def _parse_blob(raw: bytes) -> dict | None:
    """A record's data as the loader reads it, or None when that version was unreadable."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        data, _ = parse_text(raw.decode("utf-8"))
    except (_Refused, yaml.YAMLError, UnicodeDecodeError, RecursionError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _snapshots(
    files: list[_FileChange], parsed: dict[str, dict | None]
) -> tuple[Snapshot, Snapshot]:
    base, head = Snapshot({}, set()), Snapshot({}, set())
    for change in files:
        for snapshot, sha in ((base, change.old), (head, change.new)):
            if sha == NO_BLOB:
                continue
            snapshot.files.add(change.id)
            data = parsed.get(sha)
            if data is not None:
                snapshot.records.setdefault(
                    change.id, RawRecord(change.type, change.id, change.path, data)
                )
    return base, head


def _events(commit: Commit, changes: Changes) -> list[Event]:
    events: list[Event] = []
    changed = {item.record.id: item for item in changes.changed}
    for rename in changes.renamed:
        item = changed.pop(rename.new.id, None)
        events.append(
            Event(
                commit,
                "renamed",
                rename.new.type,
                rename.new.id,
                record_title(rename.new),
                item.changes if item else [],
                former=rename.old.id,
                involves=_involves(rename.old, rename.new),
            )
        )
    for record in changes.added:
        events.append(
            Event(
                commit,
                "added",
                record.type,
                record.id,
                record_title(record),
                involves=_involves(record),
            )
        )
    for item in changed.values():
        record = item.record
        events.append(
            Event(
                commit,
                "changed",
                record.type,
                record.id,
                record_title(record),
                item.changes,
                involves=_involves(item.old, record),
            )
        )
    for record in changes.removed:
        events.append(
            Event(
                commit,
                "removed",
                record.type,
                record.id,
                record_title(record),
                involves=_involves(record),
            )
        )
    return events


def read_history(repo_root: Path, content: Path) -> History:
    """Every fact-level change to the records under `content`, from the git history.

    `repo_root` is where to look for the repository (its top folder is asked of git)."""
    start = Path(content) if Path(content).is_dir() else Path(repo_root)
    try:
        inside = _git(start, "rev-parse", "--is-shallow-repository", "--show-toplevel")
        if inside.returncode != 0:
            return unavailable("not a git repository")
        answer = inside.stdout.decode("utf-8", "replace").splitlines()
        if len(answer) < 2:
            return unavailable("git did not name the repository's top folder")
        shallow, top = answer[:2]
        if shallow.strip() == "true":
            return unavailable(
                "shallow clone (fetch the full history: git fetch --unshallow, "
                "or check out with fetch-depth: 0)"
            )
        repo_root = Path(top)
        try:
            relative = Path(content).resolve().relative_to(repo_root.resolve())
        except ValueError:
            return unavailable(f"the content folder {content} is not inside {repo_root}")
        prefix = "" if relative.as_posix() == "." else relative.as_posix()
        log = _git(
            repo_root,
            "log",
            "-z",
            "--raw",
            "--no-renames",
            "--no-abbrev",
            "--no-merges",
            "--format=%x01%H%x00%cI%x00%s",
            "--",
            prefix or ".",
        )
        if log.returncode != 0:
            why = log.stderr.decode("utf-8", "replace").strip().splitlines()
            if why and "does not have any commits" in why[-1]:
                return History(True)
            return unavailable(f"git log failed: {why[-1] if why else 'no message'}")
        commits = _parse_log(log.stdout, prefix)
        wanted = sorted(
            {sha for _, files in commits for f in files for sha in (f.old, f.new)} - {NO_BLOB}
        )
        blobs = _read_blobs(repo_root, wanted)
    except FileNotFoundError:
        return unavailable("git is not installed")
    except (OSError, subprocess.SubprocessError) as exc:
        return unavailable(f"git could not be run: {exc}")
    parsed = {sha: _parse_blob(raw) for sha, raw in blobs.items()}
    events: list[Event] = []
    for commit, files in commits:
        base, head = _snapshots(files, parsed)
        events += _events(commit, compare_snapshots(base, head, Changes("", "")))
    return History(True, events=events, commits=len(commits), blobs=len(wanted))


def head(content: Path) -> str | None:
    """What the history of `content` is read from: the repository, the commit checked out and
    whether the clone is shallow; None outside git or before the first commit. The history and
    the last-updated dates are those of the commits only, so with the same head they are the
    same: `mkdocs serve` and a second `make site` do not read them again after an edit."""
    if not Path(content).is_dir():
        return None
    try:
        asked = _git(
            Path(content), "rev-parse", "--show-toplevel", "--is-shallow-repository", "HEAD"
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if asked.returncode != 0:
        return None
    return f"{Path(content).resolve()}\0" + asked.stdout.decode("utf-8", "replace")


def repo_path(content: Path, root: Path) -> str:
    """The content folder's path as the repository names its files: relative to git's top folder
    ("content", "site/data/records"; "." at the top). Outside git, relative to `root` (the
    project's folder) when inside it, else the folder's name.

    Edit links (`{path}`) and the keys of `last_updated` are this path joined with
    `<type>/<file>`."""
    content = Path(content)
    try:
        asked = _git(content, "rev-parse", "--show-prefix") if content.is_dir() else None
    except (OSError, subprocess.SubprocessError):
        asked = None
    if asked is not None and asked.returncode == 0:
        return asked.stdout.decode("utf-8", "replace").strip().rstrip("/") or "."
    try:
        return content.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return content.resolve().name


def last_updated(content: Path) -> dict[str, str]:
    """Return {"content/actors/x.yml": "YYYY-MM-DD"} for every file under `content` git knows,
    keyed as git names it (from the repository's top folder, see `repo_path`); {} without git."""
    if not Path(content).is_dir():
        return {}
    try:
        result = subprocess.run(
            [
                "git",
                "-C",
                str(content),
                "log",
                "--format=%x00%cs",
                "--name-only",
                "--no-renames",
                "--",
                ".",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, str] = {}
    current = ""
    for line in result.stdout.splitlines():
        if line.startswith("\x00"):
            current = line[1:]
        elif line and current:
            dates.setdefault(line, current)  # newest commit comes first
    return dates
