"""Which characters a record may hold, and how to print what it may not.

YAML's escapes (`"\\x00"`, `"\\e"`, `"\\x9b"`, `"\\ud800"`, `"\\uFFFE"`) bring characters into a
string that the YAML reader refuses raw. Two sets, one home:

* `CONTROL`: refused in every string and key: C0 controls but tab and newline, DEL, C1 controls,
  lone surrogates (they cannot even be written as UTF-8) and Unicode noncharacters. They reach a
  page's <title>, a CSV cell or a reviewer's terminal (an escape sequence can rewrite it).
* `INVISIBLE`: refused in ids, web addresses, names and titles: bidirectional embeddings,
  overrides, isolates and marks (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), which
  make a text display as something it is not, and zero-width or invisible characters (U+200B,
  U+2060-U+2064, U+FEFF, U+180E, U+00AD), which make two names look identical. ZWJ and ZWNJ
  (U+200D, U+200C) stay allowed: Indic and Persian scripts need them.

`printable()` escapes both sets, and line and paragraph separators, for a terminal or a log:
what the validator and `factsheet changes` print never carries them raw.

Written here rather than taken from a library: `unicodedata` categories (Cc, Cf, Cn) come close
but refuse ZWJ/ZWNJ and every unassigned code point of Python's Unicode version, and the
confusable-detection libraries (`confusable_homoglyphs`) answer another question.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .words import location

if TYPE_CHECKING:
    from .load import RawRecord
    from .problems import Problem

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17)
)
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff" + _NONCHARACTERS
_INVISIBLE = "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
CONTROL = re.compile(f"[{_CONTROL}]")
INVISIBLE = re.compile(f"[{_INVISIBLE}]")
_UNPRINTABLE = re.compile(f"[{_CONTROL}\u2028\u2029{_INVISIBLE}]")
# What can come into a file only through a backslash escape, or what YAML reads raw although it
# is refused (NEL, noncharacters, invisible and direction characters): a file holding none of
# these needs no closer look, which keeps the check off the hot path.
SUSPECT = re.compile(f"[\\\\\x85{_INVISIBLE}{_NONCHARACTERS}]")
assert all(ord(c) > 0x7F for c in "\x85" + _INVISIBLE + _NONCHARACTERS if c != "-")


def describe(character: str) -> str:
    """`U+202E` for one character, as an editor searches for it."""
    return f"U+{ord(character):04X}"


def printable(text: str) -> str:
    """Escape every control, invisible or direction character (`\\x1b`, `\\u202e`); keep the rest."""

    def escape(match: re.Match) -> str:
        code = ord(match.group())
        if code == 0x0D:
            return "\\r"
        return (
            f"\\x{code:02x}"
            if code < 0x100
            else f"\\u{code:04x}"
            if code < 0x10000
            else f"\\U{code:08x}"
        )

    return _UNPRINTABLE.sub(escape, text)


def json_printable(text: str) -> str:
    """Escape the same characters in JSON text as JSON escapes: the decoded data is unchanged."""

    def escape(match: re.Match) -> str:
        code = ord(match.group())
        if code < 0x10000:
            return f"\\u{code:04x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    return _UNPRINTABLE.sub(escape, text)


# Fields where a direction or invisible character would make a value read as another: ids are
# slugs (ASCII by their pattern), so these are the names, titles and addresses.
NAME_FIELDS = frozenset(
    {"name", "title", "aliases", "native_names", "url", "publisher", "agency", "post"}
)


def _walk(value: Any, loc: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield loc + (key,), key  # a key is a string the editor wrote, too
            yield from _walk(item, loc + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, loc + (index,))
    elif isinstance(value, str):
        yield loc, value


def check_characters(raw: RawRecord) -> list[Problem]:
    """Refuse control characters in every string and key, invisible ones in names and titles."""
    written = raw.text
    # every character SUSPECT holds but the backslash is outside ASCII (isascii is a flag read)
    if not ("\\" in written if written.isascii() else SUSPECT.search(written)):
        return []  # nothing in the file could bring one in: skip the walk
    problems = []
    for loc, text in _walk(raw.data):
        if not isinstance(text, str):
            continue
        found = CONTROL.search(text)
        if found:
            character = found.group()
            problems.append(
                raw.error(
                    loc,
                    "text.control-character",
                    f"{location(loc)}: control character {describe(character)} is not allowed "
                    "(it can rewrite a terminal or break a page): delete it",
                )
            )
            continue
        hidden = (
            INVISIBLE.search(text)
            if NAME_FIELDS.intersection(p for p in loc if isinstance(p, str))
            else None
        )
        if hidden:
            character = hidden.group()
            name = unicodedata.name(character, "invisible character").lower()
            problems.append(
                raw.error(
                    loc,
                    "text.invisible-character",
                    f"{location(loc)}: {describe(character)} ({name}) is not allowed in a name, "
                    "title or address: it hides or reorders what a reader sees; delete it",
                )
            )
    return problems
