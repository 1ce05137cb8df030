"""Words that depend on a number: one home, so every count reads alike."""

from __future__ import annotations


def plural(count: int, word: str, many: str = "") -> str:
    """'1 meeting', '2 meetings', '1,200 people' (`many` for a plural that is not word + s)."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"
