"""How messages word things: a count, a place in a record. One home, so every message reads
alike."""

from __future__ import annotations


def plural(count: int, word: str, many: str = "") -> str:
    """'1 meeting', '2 meetings', '1,200 people' (`many` for a plural that is not word + s)."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def location(loc: tuple) -> str:
    """A place in a record as messages name it: `participants[0].actor`; () is 'record'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "record"
