"""Large meetings: whom a participant's page names.

A summit can have hundreds of delegates. When every participant's page listed every other
participant (in its meetings table, its counterparts and its pictures), the Markdown grew with
the square of a meeting's size: 300 participants gave about 25 MB, 1,500 took minutes and over a
gigabyte. So a meeting with more than `LARGE_MEETING` participants is summarised on each
participant's page: the principals (hosts, chairs, principals; at most `SHOWN_PRINCIPALS`) and a
count of the others, with the full list on the meeting's own page. Every page then grows with the
facts it shows. The views and the meetings network both follow this one rule.
"""

from __future__ import annotations

from typing import Any

LARGE_MEETING = 12  # participants; a bilateral with delegations stays well under it
SHOWN_PRINCIPALS = 8
PRINCIPAL_ROLES = frozenset({"host", "chair", "principal"})


def is_large(meeting: Any) -> bool:
    """Whether a participant's page summarises this meeting (its data) instead of listing all."""
    return len(meeting.participants) > LARGE_MEETING


def attendees(meeting: Any) -> list[str]:
    """The participants' actor ids, each once, in the record's order."""
    return list(dict.fromkeys(p.actor for p in meeting.participants))


def principals(meeting: Any) -> list[str]:
    """The hosts, chairs and principals, each once, in the record's order."""
    return list(dict.fromkeys(p.actor for p in meeting.participants if p.role in PRINCIPAL_ROLES))


def named_with(heads: list[str], actor_id: str) -> list[str]:
    """The principals an actor's page names for a large meeting (not the actor itself)."""
    return [head for head in heads if head != actor_id][:SHOWN_PRINCIPALS]
