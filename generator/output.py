"""Write results into place whole or not at all: check the target first, write into a temporary
folder beside it, then move into place.

Two ways to land a result:

* `replace_tree`: the folder is ours (`factsheet generate --out`, `make site`): the new tree
  replaces the old one in two renames, so pages of deleted records do not linger and a failure
  leaves the old tree untouched. A folder we did not write is never replaced (it carries no
  `MARKER`): a mistyped `--out .` must not delete a repository.
* `write_files`: the files go into a folder that may hold other things (`export --out`,
  `schema --out`): every file is written complete in a temporary folder inside the target, then
  each is renamed over its old version; a failure while writing leaves no file changed.

The standard library's `tempfile` and `os.replace` do the work; no library adds more than these
few lines (the atomic-write packages write one file, not a set or a tree).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

# Left in every tree `replace_tree` writes; a dot file, so MkDocs and other engines ignore it.
MARKER = ".factsheets-output"
Files = Mapping[str, "str | bytes"]


class OutputError(Exception):
    """The output path cannot be used; the message is one line saying why and what to do."""


def _nearest_existing(path: Path) -> Path:
    current = path
    while not current.exists() and not current.is_symlink():
        if current.parent == current:
            break
        current = current.parent
    return current


def check_folder(out: Path) -> None:
    """Raise OutputError unless `out` is, or can become, a folder we may write into."""
    out = Path(out)
    if out.is_symlink() and not out.exists():
        raise OutputError(f"{str(out)!r} is a dangling symlink: remove it or pass another folder")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{str(out)!r} is a file, not a folder: pass a folder for --out")
    existing = _nearest_existing(out.absolute().parent if not out.exists() else out.absolute())
    if not existing.is_dir():
        raise OutputError(
            f"{str(out)!r} lies under {str(existing)!r}, which is a file: pass a folder for --out"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{str(existing)!r} is not writable: pass a folder you can write to")


def check_replaceable(out: Path, *, keep: tuple[Path, ...] = ()) -> None:
    """Raise OutputError unless `replace_tree` may replace `out` (see the module docstring).

    `keep`: folders the output must neither be nor contain nor lie inside (content, templates).
    """
    check_folder(out)
    out = Path(out)
    resolved = out.resolve()
    for folder in keep:
        folder = Path(folder).resolve()
        if resolved == folder or folder.is_relative_to(resolved) or resolved.is_relative_to(folder):
            raise OutputError(
                f"{str(out)!r} overlaps {str(folder)!r}, which it would overwrite: "
                "pass a separate folder for --out"
            )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(
            f"{str(out)!r} is not empty and was not written by factsheets: "
            "pass a new or empty folder (its whole content is replaced)"
        )
    parent = resolved.parent
    if not os.access(_nearest_existing(parent), os.W_OK | os.X_OK):
        raise OutputError(f"{str(parent)!r} is not writable: pass a folder you can write to")


def _write_all(root: Path, files: Files) -> None:
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            target.write_text(data, encoding="utf-8")
        else:
            target.write_bytes(data)


def swap_in(new: Path, out: Path) -> None:
    """Put the finished folder `new` where `out` is (same file system), removing the old one."""
    out = Path(out)
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / out.name)
    try:
        os.replace(new, out)
    except OSError:
        if old is not None:  # put the old tree back: the failure leaves it as it was
            os.replace(old / out.name, out)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def replace_tree(out: Path, files: Files) -> None:
    """Write `files` as the whole of folder `out`; on any failure `out` is left as it was."""
    out = Path(out)
    check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        _write_all(new, {**files, MARKER: "written by factsheets; replaced whole on each run\n"})
        new.chmod(0o777 & ~_umask())
        swap_in(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise


def write_files(out: Path, files: Files) -> None:
    """Write every one of `files` into folder `out`, all complete or none changed."""
    out = Path(out)
    check_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".factsheets-", dir=out))
    try:
        _write_all(staging, files)
        for name in files:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
