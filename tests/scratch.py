"""Write a test's files into its scratch folder (text as UTF-8, bytes as they are)."""

from __future__ import annotations

from pathlib import Path


def write(path: Path, text: str | bytes) -> Path:
    """Write `text` to `path`, creating its folders; return `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write each of `files` (a path relative to `root` -> its text); return `root`."""
    for name, text in files.items():
        write(root / name, text)
    return root
