"""The site folder across builds: which outputs are still as the last good build wrote them, and
what no longer belongs there. This is what lets `mkdocs serve --dirty` (`make serve`) and
`mkdocs build --dirty` leave unchanged files alone and still give a clean build's folder.

MkDocs' `--dirty` skips a file when `File.is_modified()` is false. For a file copied from a
source that is a comparison of modification times; a generated file (every record page and data
file of ours) always counts as modified. So with 10,000 records a dirty rebuild still converts,
themes and writes every page, and it never removes the output of a page that is gone (MkDocs says
so in a warning: "this will likely lead to inaccurate navigation"). Here instead:

* each generated file handed to MkDocs is an `Output`, a `File` that knows the key of what it
  will write (a page: the digest of its Markdown and of the site's settings, see pagecache.py; a
  data file: the digest of its bytes) and is unmodified when the folder holds the file the last
  good build wrote under that key, checked by size and modification time (`Written`);
* after the build, files in the folder that no build output names and that were not written by
  this build (redirect pages, the sitemap are written anew each time) are removed, and so are the
  folders they leave empty (`sweep`); in a folder that was empty when the build began, only a
  linked file can be such a one, and no walk is needed (`unlink_others`).

Since MkDocs' warning no longer applies, the plugin drops it (`DirtyWarning`), so that `--strict`
holds. Written here: MkDocs has nothing of the kind, and mkdocs-material's (insiders') cache
plugins keep other plugins' downloads, not the site folder.
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
from dataclasses import dataclass, field

from mkdocs.structure.files import File

DIRTY_WARNING = "A 'dirty' build is being performed"


class DirtyWarning(logging.Filter):
    """Drops MkDocs' warning about --dirty builds: for the plugin's pages it does not hold."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(DIRTY_WARNING)


class Output(File):
    """A generated file, unmodified for `--dirty` when the folder holds it as last written."""

    key: str = ""
    kept: bool = False

    def is_modified(self) -> bool:
        return not self.kept

    @property
    def src_path(self) -> str:
        return os.path.normpath(self.src_uri)

    @src_path.setter
    def src_path(self, value: str) -> None:
        # The pipeline's paths are POSIX already ("actors/x.md"). MkDocs' setter normalises
        # through pathlib.PurePath, which for 27,000 files at 10,000 records was a tenth of an
        # edit's rebuild in `mkdocs serve`.
        if "\\" in value or posixpath.normpath(value) != value:
            File.src_path.fset(self, value)  # type: ignore[attr-defined]
        else:
            self.src_uri = value


def write_ahead(files: list[File], dirty: bool) -> int:
    """Write the generated data files into the site folder now, before MkDocs converts the
    pages, and let go of their bytes; return how many were written.

    MkDocs converts every page before it copies a file, so each data file's bytes (150 MB at
    10,000 records) were held through the conversion, the build's peak of memory. Once
    written, a file is one "backed by a physical file" at its destination (`abs_src_path`):
    MkDocs' copy finds it there and leaves it (as for a plugin that writes into site_dir), and
    its content, if anyone asks, is read back from the file. The files it would not copy are
    not written: excluded ones, and under --dirty the kept ones."""
    written = 0
    for file in files:
        if not isinstance(file, Output) or file.is_documentation_page():
            continue
        if not file.inclusion.is_included() or (dirty and file.kept) or file.abs_src_path:
            continue
        path = file.abs_dest_path
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(file.content_bytes)
        file._content = None  # MkDocs has no setter for "backed by this file" after creation
        file.abs_src_path = path
        written += 1
    return written


def bytes_key(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class Written:
    """What the last good build wrote into its site folder: dest URI -> (key, size, mtime).

    The folder is where that build wrote, or where its output was moved since (`make site`
    builds into .site.new/ and swaps it in as site/): a file is held there when it has the size
    and modification time it had when written, which a hard link or a rename keeps."""

    files: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    # the folders this build made in its site folder to link into (emptied by `record`): a page
    # has a folder of its own, and asking for each of 27,000 files was 1.3 s at 10,000 records
    folders: set[str] = field(default_factory=set)

    def holds(self, folder: str, dest_uri: str, key: str) -> bool:
        """Does `folder` hold, at `dest_uri`, the file last written under `key`?"""
        seen = self.files.get(dest_uri)
        if seen is None or seen[0] != key:
            return False
        try:
            stat = os.stat(os.path.join(folder, dest_uri))
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == seen[1:]

    def keep(self, folder: str, site_dir: str, dest_uri: str, key: str) -> bool:
        """Is the file held, in `site_dir` itself or (hard-linked from) `folder`? A build into a
        new folder links the unchanged files of the last one: no byte is copied, and since the
        build never writes to a file it keeps, the last site stays as it was if it fails."""
        if not self.holds(folder, dest_uri, key):
            return False
        if folder == site_dir:
            return True
        target = os.path.join(site_dir, dest_uri)
        parent = os.path.dirname(target)
        try:
            if parent not in self.folders:
                os.makedirs(parent, exist_ok=True)
                self.folders.add(parent)
            try:
                os.link(os.path.join(folder, dest_uri), target)
            except FileExistsError:
                os.unlink(target)
                os.link(os.path.join(folder, dest_uri), target)
        except OSError:  # another file system: the file is written again
            return False
        return True

    def record(self, folder: str, outputs: list[Output], since_ns: int) -> None:
        """After a good build: the outputs as they are now in `folder` (kept, or written since
        `since_ns`; MkDocs writes no file for a page whose output is empty)."""
        files: dict[str, tuple[str, int, int]] = {}
        for output in outputs:
            if output.kept and output.dest_uri in self.files:
                files[output.dest_uri] = self.files[output.dest_uri]
                continue
            try:
                stat = os.stat(os.path.join(folder, output.dest_uri))
            except OSError:
                continue
            if stat.st_mtime_ns >= since_ns:
                files[output.dest_uri] = (output.key, stat.st_size, stat.st_mtime_ns)
        self.files = files
        self.folders = set()

    def update(self, folder: str, outputs: list[Output]) -> None:
        """After a quick rebuild of `mkdocs serve` (generator/preview.py): these outputs were
        written again, the others are as recorded."""
        for output in outputs:
            try:
                stat = os.stat(os.path.join(folder, output.dest_uri))
            except OSError:
                self.files.pop(output.dest_uri, None)
                continue
            self.files[output.dest_uri] = (output.key, stat.st_size, stat.st_mtime_ns)


def now_in(folder: str) -> int:
    """The folder's file system clock, now: what a file written after this is stamped at least."""
    os.makedirs(folder, exist_ok=True)
    marker = os.path.join(folder, f".factsheets-clock-{os.getpid()}")
    with open(marker, "wb"):
        pass
    try:
        return os.stat(marker).st_mtime_ns
    finally:
        os.unlink(marker)


def sweep(folder: str, outputs: set[str], since_ns: int) -> list[str]:
    """Remove what a clean build would not have written: files no output names (`outputs`,
    dest URIs) and not written since `since_ns`, then the folders left empty."""
    removed: list[str] = []
    folder = os.path.normpath(folder)
    skip = len(folder) + 1
    walked = []
    for base, dirs, names in os.walk(folder):
        if base == folder:  # as MkDocs' clean, leave hidden entries (a gh-pages worktree's .git)
            dirs[:] = [name for name in dirs if not name.startswith(".")]
            names = [name for name in names if not name.startswith(".")]
        walked.append((base, names))
    for base, names in reversed(walked):  # a folder after what is in it: emptied ones go too
        prefix = base[skip:].replace(os.sep, "/") + "/" if base != folder else ""
        for name in names:
            uri = prefix + name
            path = os.path.join(base, name)
            if uri in outputs:
                continue
            try:
                if os.lstat(path).st_mtime_ns >= since_ns:
                    continue
                os.unlink(path)
            except OSError:
                continue
            removed.append(uri)
        if base != folder:
            try:
                os.rmdir(base)  # only when empty
            except OSError:
                pass
    return sorted(removed)


def unlink_others(folder: str, linked: list[Output], outputs: set[str]) -> list[str]:
    """`sweep` for a folder that was empty when the build began (`make site`'s .site.new/): only
    a file the build linked can be one a clean build would not write (one MkDocs then excluded);
    no walk over the 27,000 files (2 s at 10,000 records)."""
    folder = os.path.normpath(folder)
    removed = sorted(f.dest_uri for f in linked if f.dest_uri not in outputs)
    for uri in removed:
        path = os.path.join(folder, uri)
        try:
            os.unlink(path)
        except OSError:
            continue
        parent = os.path.dirname(path)
        while parent != folder and parent.startswith(folder + os.sep):  # folders left empty
            try:
                os.rmdir(parent)
            except OSError:
                break
            parent = os.path.dirname(parent)
    return removed
