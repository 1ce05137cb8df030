"""`factsheet changes`: what changed in the facts between two revisions, for a reviewer.

Each revision's content folder is read from git's object store (`git ls-tree` + `git cat-file
--batch`) into a temporary folder, so the work tree is never touched, and loaded by the project's
own loader. Records are compared field by field, list entries matched by what they are (a
participant by actor, a post by organisation and title), not by line. A record whose `former_ids`
names a record gone from BASE is a rename: one entry, its reference updates summed up. HEAD (a
revision, or the working tree) also goes through the whole check; its result closes the summary.
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
import subprocess
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .characters import printable
from .link import INLINE_LINK
from .load import RawRecord, display_path, iter_record_files, load_records
from .model import MODELS, TITLE_FIELD, TYPES, iter_refs
from .problems import Problem, format_text, summary
from .safety import escape_text
from .words import plural

if TYPE_CHECKING:  # imported where used: pipeline -> render -> feeds -> history -> this module
    from . import pipeline

# List entries with the same identity are the same fact, edited; anything else is added/removed.
IDENTITY = {
    "participants": ("actor",),
    "posts": ("organisation", "title"),
    "quotes": ("by", "text"),
    "disagreements": ("field", "value"),
}
UPSTREAMS = ("origin/HEAD", "main")  # where BASE defaults to the merge-base with, in this order
WORKING_TREE = "working tree"
_NEEDS_GIT = "`factsheet changes` compares git revisions"


class ChangesError(Exception):
    """A revision that cannot be read: unknown, or not in a git repository. Exit 2."""


# ---------------------------------------------------------------------------------------------
# Reading a revision from git


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            check=False,
            timeout=300,
        )
    except FileNotFoundError:
        raise ChangesError(f"git is not installed: {_NEEDS_GIT}") from None
    except subprocess.TimeoutExpired:
        raise ChangesError(f"git {args[0]} took too long") from None


def repository_root(start: Path) -> Path:
    """Return the top folder of the git work tree holding `start`."""
    result = _git(start, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise ChangesError(f"{start} is not in a git repository: {_NEEDS_GIT}")
    return Path(os.fsdecode(result.stdout.strip()))


def resolve_revision(root: Path, revision: str) -> str:
    """Return the commit id `revision` names; raise ChangesError with a hint when it names none."""
    if not revision or revision.startswith("-") or "\n" in revision:
        raise ChangesError(f"{revision!r} is not a revision: pass a branch, tag or commit")
    result = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if result.returncode != 0:
        raise ChangesError(
            f"unknown revision {revision!r}: no branch, tag or commit of that name here "
            "(fetch it first; in CI check out with fetch-depth: 0)"
        )
    return result.stdout.decode().strip()


def default_base(root: Path, head: str | None) -> tuple[str, str]:
    """Return (commit, how) for BASE: the merge-base of HEAD with origin/HEAD, else with main."""
    tip = head or "HEAD"
    for upstream in UPSTREAMS:
        if _git(root, "rev-parse", "--verify", "--quiet", f"{upstream}^{{commit}}").returncode != 0:
            continue
        result = _git(root, "merge-base", tip, upstream)
        if result.returncode != 0:
            raise ChangesError(f"{tip} and {upstream} share no history: pass BASE")
        return result.stdout.decode().strip(), f"merge-base with {upstream}"
    raise ChangesError(
        "no BASE given and neither origin/HEAD nor main exists: pass BASE, e.g. "
        "`factsheet changes origin/main`"
    )


def extract_content(root: Path, commit: str, prefix: str, dest: Path) -> int:
    """Write the files under `prefix` at `commit` into `dest`; return how many were written."""
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix or ".")
    if listing.returncode != 0:
        why = listing.stderr.decode().strip()
        raise ChangesError(f"cannot list {prefix or 'the tree'} at {commit[:7]}: {why}")
    entries: list[tuple[bytes, str, bool]] = []  # object, path, is a symbolic link
    for item in listing.stdout.split(b"\0"):
        meta, _, raw_path = item.partition(b"\t")
        if not raw_path:
            continue
        mode, kind, obj = meta.split()
        path = os.fsdecode(raw_path)
        if kind != b"blob":  # a submodule is no record
            continue
        if prefix:
            if not path.startswith(prefix + "/"):
                continue
            path = path[len(prefix) + 1 :]
        entries.append((obj, path, mode == b"120000"))
    if not entries:
        return 0
    batch = _git(root, "cat-file", "--batch", stdin=b"".join(e[0] + b"\n" for e in entries))
    if batch.returncode != 0:
        raise ChangesError(f"cannot read files at {commit[:7]}: {batch.stderr.decode().strip()}")
    data, offset, top = batch.stdout, 0, dest.resolve()
    for _, path, link in entries:
        header_end = data.index(b"\n", offset)
        size = int(data[offset:header_end].split()[2])
        body = data[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1
        target = (dest / path).resolve()
        if top not in target.parents:  # a crafted tree must not write outside the folder
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if link:  # kept a link (never followed), so the loader refuses it as in a working tree
            (target.parent / target.name).symlink_to(os.fsdecode(body))
        else:
            target.write_bytes(body)
    return len(entries)


# ---------------------------------------------------------------------------------------------
# Snapshots and references in raw records


@dataclass
class Snapshot:
    """The records of one revision as the loader read them (valid or not)."""

    records: dict[str, RawRecord]
    files: set[str]  # ids that have a file, read or not


def take_snapshot(content: Path) -> Snapshot:
    records: dict[str, RawRecord] = {}
    for record in load_records(content).records:
        records.setdefault(record.id, record)  # a duplicate id is the validator's to report
    files = {path.stem for _, path in iter_record_files(content)}
    return Snapshot(records, files)


def _get(data: Any, loc: tuple) -> Any:
    for part in loc:
        data = data[part]
    return data


def _set(data: Any, loc: tuple, value: Any) -> None:
    _get(data, loc[:-1])[loc[-1]] = value


def _map_strings(data: Any, change: Callable[[str], str]) -> Any:
    if isinstance(data, str):
        return change(data)
    if isinstance(data, list):
        return [_map_strings(item, change) for item in data]
    if isinstance(data, dict):
        return {key: _map_strings(value, change) for key, value in data.items()}
    return data


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)


def count_references(record: RawRecord, target: str) -> int:
    """How often `record` refers to `target`: reference fields and inline [[id]] links."""
    data = record.data
    fields = sum(1 for _, id_, _ in iter_refs(data, MODELS[record.type]) if id_ == target)
    inline = sum(
        1
        for text in _strings(data)
        for m in INLINE_LINK.finditer(text)
        if m.group(1).strip() == target
    )
    return fields + inline


def apply_renames(record: RawRecord, renames: dict[str, str]) -> dict[str, Any]:
    """Return the record's data with every reference to an old id pointing at its new id."""
    data = copy.deepcopy(record.data)
    for loc, id_, _ in list(iter_refs(data, MODELS[record.type])):
        if id_ in renames:
            _set(data, loc, renames[id_])

    def relink(match: re.Match) -> str:
        target = match.group(1).strip()
        return f"[[{renames[target]}]]" if target in renames else match.group(0)

    return _map_strings(data, lambda text: INLINE_LINK.sub(relink, text))


# ---------------------------------------------------------------------------------------------
# Field-level differences


_MISSING: Any = object()


def _empty(value: Any) -> Any:
    """An empty list or mapping says the same as no field at all."""
    return _MISSING if value in ([], {}) else value


def _code_text(value: Any) -> str | None:
    """The words a value is shown as in code, or None when it is shown as `(empty)`/`(blank)`."""
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return " ".join(str(value).split()) or None


def _code(value: Any) -> str:
    """Show a value as inline code (safe in Markdown: no mentions, no markup)."""
    text = _code_text(value)
    if text is None:
        return "(empty)" if value is None else "(blank)"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_html(value: Any) -> str:
    """`_code` as the HTML Python-Markdown makes of it: `<code>…</code>`, or the plain words."""
    text = _code_text(value)
    if text is None:
        return _code(value)
    return f"<code>{html.escape(text, quote=False)}</code>"


def _short(value: Any, limit: int = 40) -> str:
    text = " ".join(str(value).split()) if value is not None else "?"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _entry_label(key: str, entry: dict) -> str:
    return " / ".join(_short(entry.get(name)) for name in IDENTITY[key])


def _entry_details(key: str, entry: dict) -> str:
    parts = []
    for name, value in entry.items():
        if name in IDENTITY[key] or _empty(value) is _MISSING:
            continue
        shown = ", ".join(_code(v) for v in value) if isinstance(value, list) else _code(value)
        parts.append(f"{name}: {shown}")
    return f" ({'; '.join(parts)})" if parts else ""


@dataclass(frozen=True)
class FieldChange:
    """One changed fact of a record, as data. The reviewer's Markdown (`review_line`) and the
    reader's history (generator/history.py) are two wordings of the same list."""

    path: str  # "date", "participants[andrey-belousov].role", "cite"; "" for a move
    old: Any = _MISSING  # a value before; for a list entry (`entry`), the entry removed
    new: Any = _MISSING  # a value after; for a list entry, the entry added
    added: tuple = ()  # a plain list: the values added, in their order
    removed: tuple = ()  # … and removed
    entry: str | None = None  # a list matched by identity (IDENTITY key): one entry added/removed
    moved: tuple[str, str] | None = None  # (old type, new type): the file changed type folder
    within: tuple[str, dict] | None = None  # a change inside a matched entry: (list key, entry)

    @property
    def top_field(self) -> str:
        """The top-level field: "participants" for "participants[x].role"."""
        return re.split(r"[.\[]", self.path, maxsplit=1)[0]


def _diff_mapping(old: dict, new: dict, prefix: str) -> list[FieldChange]:
    changes: list[FieldChange] = []
    for key in list(new) + [k for k in old if k not in new]:
        path = f"{prefix}.{key}" if prefix else str(key)
        changes += _diff_value(str(key), old.get(key, _MISSING), new.get(key, _MISSING), path)
    return changes


def _diff_value(key: str, old: Any, new: Any, path: str) -> list[FieldChange]:
    old, new = _empty(old), _empty(new)
    if old == new:
        return []
    if all(v is _MISSING or isinstance(v, list) for v in (old, new)):
        return _diff_list(key, [] if old is _MISSING else old, [] if new is _MISSING else new, path)
    if all(v is _MISSING or isinstance(v, dict) for v in (old, new)):
        return _diff_mapping({} if old is _MISSING else old, {} if new is _MISSING else new, path)
    return [FieldChange(path, old, new)]


def _diff_list(key: str, old: list, new: list, path: str) -> list[FieldChange]:
    if key in IDENTITY and all(isinstance(item, dict) for item in old + new):
        return _diff_entries(key, old, new, path)
    if any(isinstance(item, (dict, list)) for item in old + new):  # no identity: by position
        changes = []
        for index in range(max(len(old), len(new))):
            before = old[index] if index < len(old) else _MISSING
            after = new[index] if index < len(new) else _MISSING
            changes += _diff_value(key, before, after, f"{path}[{index}]")
        return changes
    old_count, new_count = Counter(map(_hashable, old)), Counter(map(_hashable, new))
    added = _take(new, new_count - old_count)
    removed = _take(old, old_count - new_count)
    if not (added or removed):  # a new order alone: no change
        return []
    return [FieldChange(path, added=tuple(added), removed=tuple(removed))]


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _take(items: list, wanted: Counter) -> list:
    """The items of `items` counted in `wanted`, in their order."""
    out, wanted = [], Counter(wanted)
    for item in items:
        if wanted[_hashable(item)] > 0:
            wanted[_hashable(item)] -= 1
            out.append(item)
    return out


def _diff_entries(key: str, old: list[dict], new: list[dict], path: str) -> list[FieldChange]:
    """Match list entries by identity; show each one added, removed or with its fields changed."""
    names = IDENTITY[key]
    earlier: dict[Any, list[dict]] = defaultdict(list)
    for entry in old:
        earlier[_hashable([entry.get(n) for n in names])].append(entry)
    changes, matched = [], Counter()
    for entry in new:
        identity = _hashable([entry.get(n) for n in names])
        index = matched[identity]
        matched[identity] += 1
        if index < len(earlier[identity]):
            label = _entry_label(key, entry)
            inner = _diff_mapping(earlier[identity][index], entry, f"{path}[{label}]")
            changes += [c if c.within else replace(c, within=(key, entry)) for c in inner]
        else:
            changes.append(FieldChange(path, new=entry, entry=key))
    for identity, entries in earlier.items():
        for entry in entries[matched[identity] :]:
            changes.append(FieldChange(path, old=entry, entry=key))
    return changes


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """Return every changed fact between two versions of a record (data as the loader reads it)."""
    return _diff_mapping(old, new, "")


def review_line(change: FieldChange) -> str:
    """A change as a reviewer reads it: one Markdown list line, values as inline code."""
    path = _code(change.path)
    if change.moved:
        before, after = change.moved
        return f"- moved from {_code(before + '/')} to {_code(after + '/')}"
    if change.entry:
        if change.new is not _MISSING:
            label = _entry_label(change.entry, change.new)
            return f"- {path}: added {_code(label)}{_entry_details(change.entry, change.new)}"
        return f"- {path}: removed {_code(_entry_label(change.entry, change.old))}"
    if change.added or change.removed:
        parts = []
        if change.added:
            parts.append("added " + ", ".join(_code(v) for v in change.added))
        if change.removed:
            parts.append("removed " + ", ".join(_code(v) for v in change.removed))
        return f"- {path}: {'; '.join(parts)}"
    if change.old is _MISSING:
        return f"- {path}: added {_code(change.new)}"
    if change.new is _MISSING:
        return f"- {path}: removed {_code(change.old)}"
    return f"- {path}: {_code(change.old)} → {_code(change.new)}"


def diff_records(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Return one Markdown list line per changed field of a record (data as the loader reads it)."""
    return [review_line(change) for change in field_changes(old, new)]


# ---------------------------------------------------------------------------------------------
# The comparison


@dataclass
class Rename:
    old: RawRecord
    new: RawRecord
    references: int = 0  # references to the old id elsewhere now pointing at the new one
    records: int = 0  # in how many records


@dataclass
class Changed:
    record: RawRecord
    changes: list[FieldChange]
    old: RawRecord | None = None  # the version compared with (under its old id for a rename)

    @property
    def lines(self) -> list[str]:
        return [review_line(change) for change in self.changes]


@dataclass
class Changes:
    base: str  # as shown: "`main` (1a2b3c4)"
    head: str
    added: list[RawRecord] = field(default_factory=list)
    removed: list[RawRecord] = field(default_factory=list)
    renamed: list[Rename] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    not_compared: list[RawRecord] = field(default_factory=list)
    checked: pipeline.Checked | None = None  # HEAD's validation

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.changed or self.not_compared)


def _order(record: RawRecord) -> tuple:
    return (TYPES.index(record.type) if record.type in TYPES else len(TYPES), record.id)


def compare_snapshots(base: Snapshot, head: Snapshot, changes: Changes) -> Changes:
    """Fill `changes` with what differs from `base` to `head`."""
    renames: dict[str, str] = {}  # old id -> new id
    for new_id, record in head.records.items():
        former = record.data.get("former_ids")
        for old_id in former if isinstance(former, list) else []:
            if (
                isinstance(old_id, str)
                and old_id in base.records
                and old_id not in head.records
                and new_id not in base.records
                and old_id not in renames
            ):
                renames[old_id] = new_id
    first_old: dict[str, str] = {}  # new id -> the first old id it replaces
    for old_id, new_id in renames.items():
        first_old.setdefault(new_id, old_id)

    pairs: list[tuple[RawRecord, RawRecord]] = []
    for record_id, record in head.records.items():
        if record_id in base.records:
            pairs.append((base.records[record_id], record))
        elif record_id in first_old:
            pairs.append((base.records[first_old[record_id]], record))
        elif record_id in base.files:
            changes.not_compared.append(record)
        else:
            changes.added.append(record)
    for record_id, record in base.records.items():
        if record_id in head.records or record_id in renames:
            continue
        (changes.not_compared if record_id in head.files else changes.removed).append(record)

    for old_id, new_id in renames.items():
        rename = Rename(base.records[old_id], head.records[new_id])
        for before, after in pairs:
            updated = min(
                count_references(before, old_id),
                max(0, count_references(after, new_id) - count_references(before, new_id)),
            )
            rename.references += updated
            rename.records += 1 if updated else 0
        changes.renamed.append(rename)

    for before, after in pairs:
        old = apply_renames(before, renames)
        new = copy.deepcopy(after.data)
        if after.id in first_old and isinstance(new.get("former_ids"), list):
            new["former_ids"] = [i for i in new["former_ids"] if renames.get(i) != after.id]
        found = field_changes(old, new)
        if before.type != after.type:
            found.insert(0, FieldChange("", moved=(before.type, after.type)))
        if found:
            changes.changed.append(Changed(after, found, before))

    changes.added.sort(key=_order)
    changes.removed.sort(key=_order)
    changes.not_compared.sort(key=_order)
    changes.renamed.sort(key=lambda r: _order(r.new))
    changes.changed.sort(key=lambda c: _order(c.record))
    return changes


def _relocate(problem: Problem, shown: str, prefix: str) -> Problem:
    """Show a problem found in a revision's temporary copy at the file's path in the repository."""
    if problem.path == shown or problem.path.startswith(shown + os.sep):
        rest = problem.path[len(shown) :].replace(os.sep, "/")
        return replace(problem, path=(prefix or ".") + rest)
    return problem


def summarize_changes(content: Path, base: str | None = None, head: str | None = None) -> Changes:
    """Compare the facts in `content` at BASE with HEAD (None: the working tree)."""
    content = Path(content)
    if head is None and not content.is_dir():  # the working tree is compared: say what is missing
        raise ChangesError(f"content folder {str(content)!r} not found (pass --content DIR)")
    start = next((p for p in (content, content.parent) if p.is_dir()), Path.cwd())
    root = repository_root(start)
    try:
        prefix = content.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise ChangesError(f"content folder {content} is outside the repository {root}") from None
    prefix = "" if prefix == "." else prefix
    head_commit = resolve_revision(root, head) if head is not None else None
    if base is not None:
        base_commit = resolve_revision(root, base)
        base_label = _label(base, base_commit)
    else:
        base_commit, how = default_base(root, head_commit)
        base_label = f"`{base_commit[:7]}` ({how})"
    if head_commit is None and not content.is_dir():
        raise ChangesError(f"content folder {str(content)!r} not found (pass --content DIR)")
    changes = Changes(base_label, _label(head, head_commit) if head_commit else WORKING_TREE)
    with tempfile.TemporaryDirectory(prefix="factsheet-changes-") as tmp:
        base_dir = Path(tmp) / "base"
        base_dir.mkdir()
        extract_content(root, base_commit, prefix, base_dir)
        head_dir = content
        if head_commit is not None:
            head_dir = Path(tmp) / "head"
            head_dir.mkdir()
            extract_content(root, head_commit, prefix, head_dir)
        compare_snapshots(take_snapshot(base_dir), take_snapshot(head_dir), changes)
        from . import pipeline

        checked = pipeline.check(head_dir)
        if head_commit is not None:
            shown = display_path(head_dir)
            problems = [_relocate(p, shown, prefix) for p in checked.problems]
            checked = pipeline.Checked(checked.facts, problems, checked.files)
        changes.checked = checked
    return changes


def _label(revision: str | None, commit: str) -> str:
    if revision is None or commit.startswith(revision):
        return f"`{commit[:7]}`"
    return f"{_code(revision)} ({commit[:7]})"


# ---------------------------------------------------------------------------------------------
# Markdown


def record_title(record: RawRecord) -> str | None:
    """The record's name or title as written; for a position, holder, stance and topic."""
    data = record.data
    name = TITLE_FIELD.get(record.type)
    if name:
        return data.get(name) if isinstance(data.get(name), str) else None
    holder, stance, topic = (data.get(k) for k in ("holder", "stance", "topic"))
    if all(isinstance(p, str) for p in (holder, stance, topic)):
        return f"{holder}: {stance} — {topic}"
    return None


def _record_line(record: RawRecord) -> str:
    title = record_title(record)
    return f"{_code(f'{record.type}/{record.id}')}" + (f" — {escape_text(title)}" if title else "")


def format_changes(changes: Changes) -> str:
    """The summary as Markdown, ready for a review comment or a CI job summary."""
    out = [f"## Fact changes: {changes.base} → {changes.head}", ""]
    counts = [
        (len(changes.added), "added"),
        (len(changes.removed), "removed"),
        (len(changes.renamed), "renamed"),
        (len(changes.changed), "changed"),
        (len(changes.not_compared), "not compared"),
    ]
    if changes.empty:
        out.append("No fact changes.")
    else:
        out.append(", ".join(f"{n} {word}" for n, word in counts if n) + ".")
    if changes.added:
        out += ["", "### Added", "", *(f"- {_record_line(r)}" for r in changes.added)]
    if changes.removed:
        out += ["", "### Removed", "", *(f"- {_record_line(r)}" for r in changes.removed)]
    if changes.renamed:
        out += ["", "### Renamed", ""]
        for rename in changes.renamed:
            line = f"- {_code(f'{rename.old.type}/{rename.old.id}')} → {_record_line(rename.new)}"
            if rename.references:
                line += (
                    f"; updated {plural(rename.references, 'reference')} "
                    f"in {plural(rename.records, 'record')}"
                )
            out.append(line)
    if changes.changed:
        out += ["", "### Changed", ""]
        for item in changes.changed:
            out.append(f"- {_record_line(item.record)}")
            out += [f"  {line}" for line in item.lines]
    if changes.not_compared:
        out += ["", "### Not compared", "", "A version could not be read (see the validation).", ""]
        out += [f"- {_record_line(r)}" for r in changes.not_compared]
    checked = changes.checked
    if checked is not None:
        out += ["", f"### Validation of {changes.head}", ""]
        out.append(summary(checked.problems, checked.files))
        if checked.problems:
            listing = format_text(checked.problems, checked.files).splitlines()[:-1]
            runs = re.findall(r"`+", "\n".join(listing))
            fence = "`" * max(3, max((len(r) for r in runs), default=0) + 1)
            out += ["", f"{fence}text", *listing, fence]
    return printable("\n".join(out)) + "\n"  # no editor's escape sequence reaches a terminal
