"""Record types and their vocabularies: the one source of truth for fields, JSON Schema and docs.

Every model forbids unknown fields (a mistyped field would otherwise vanish) and is strict (a
number where text is expected is an error, not a silent conversion). References to other records
are plain ids annotated with ``Ref(<types>)``; the link stage resolves them generically.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from .dates import DATE_PATTERN, parse_date

TYPES = ("actors", "places", "meetings", "positions", "topics", "sources")
SINGULAR = {
    "actor": "actors",
    "place": "places",
    "meeting": "meetings",
    "position": "positions",
    "topic": "topics",
    "source": "sources",
}

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG_PATTERN[:-1] + r"\Z")  # `$` would let a file name end in a newline
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"

# ---------------------------------------------------------------------------------------------
# Vocabularies: term -> what it means. The keys are the allowed values; the values document them
# (in `factsheet new` skeletons, the JSON Schema and the README).

STATUSES = {
    "confirmed": "stated by an official source or by several independent reports",
    "reported": "reported by at least one credible source, not yet confirmed",
    "disputed": "sources contradict each other on the record as a whole",
    "retracted": "reported once, later withdrawn or shown wrong; kept for the record",
}
ACTOR_KINDS = {
    "person": "a human being",
    "organisation": "a body: ministry, parliament, party, alliance, international organisation",
    "state": "a sovereign state (also used as an actor's `country`)",
}
MEETING_KINDS = {
    "bilateral": "two parties meet",
    "multilateral": "three or more parties meet",
    "ministerial": "a meeting of ministers of several states (e.g. SCO Defence Ministers)",
    "summit": "a meeting of heads of state or government",
    "visit": "an official visit by one party to another",
    "call": "a telephone or video call",
    "conference": "a conference, forum or reading at which several actors speak",
    "reception": "a courtesy reception or welcome",
    "other": "anything else; say what in the summary",
}
PARTICIPANT_ROLES = {
    "host": "receives the others or chairs the meeting",
    "chair": "presides over the meeting",
    "principal": "a leading participant on their side",
    "delegate": "a member of a delegation",
    "guest": "invited guest or visitor",
    "observer": "attends without taking part",
}
STANCES = {
    "supports": "is in favour of the topic",
    "endorses": "formally endorses or signs the topic (a document, an initiative)",
    "reaffirms": "restates an earlier commitment to the topic",
    "conditional": "supports the topic on conditions stated in the record",
    "neutral": "takes no side",
    "opposes": "is against the topic",
    "rejects": "formally rejects or declines to join the topic",
    "refused-to-endorse": "declined to endorse or sign the topic (a document, a declaration)",
}
SOURCE_KINDS = {
    "news": "a news outlet's report",
    "agency": "a news agency's wire copy (ANI, IANS, TASS, Xinhua…)",
    "official": "a government or organisation's own publication",
    "broadcast": "television, radio or video report",
    "analysis": "opinion, analysis or commentary",
    "reference": "an encyclopedia or database entry",
    "other": "anything else",
}
PLACE_KINDS = {
    "city": "a city or town",
    "venue": "a building or site",
    "region": "a region, province or area",
    "country": "a country as a place",
}


# Every vocabulary by name: the explicit table that the JSON Schema and `factsheet new` read.
VOCABULARIES: dict[str, dict[str, str]] = {
    "statuses": STATUSES,
    "actor_kinds": ACTOR_KINDS,
    "meeting_kinds": MEETING_KINDS,
    "participant_roles": PARTICIPANT_ROLES,
    "stances": STANCES,
    "source_kinds": SOURCE_KINDS,
    "place_kinds": PLACE_KINDS,
}


@dataclass(frozen=True)
class Vocabulary:
    """Marks a field whose value is a term of `VOCABULARIES[name]`; its JSON Schema carries each
    term's meaning (`enumDescriptions`, shown on hover by editors)."""

    name: str

    @property
    def terms(self) -> dict[str, str]:
        return VOCABULARIES[self.name]

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        json_schema = handler(core_schema)
        json_schema["enumDescriptions"] = list(self.terms.values())
        return json_schema


def _literal(name: str) -> Any:
    """A field that takes a term of the vocabulary `name`."""
    return Annotated[Literal[tuple(VOCABULARIES[name])], Vocabulary(name)]  # type: ignore[valid-type]


# ---------------------------------------------------------------------------------------------
# Errors carry their problem code (`schema.date`, `schema.id`…) as pydantic's error type, so the
# validator reads the code off the error and never guesses it from a message.


def describe_value(value: Any) -> str:
    """A value as a message names it: 'a mapping', 'the number 7', "'x'"."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {value}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return repr(value)


def _coded(code: str, message: str) -> WrapValidator:
    """A value that does not match its pattern is the error `code`: `message` says why ({value}
    is the value as written)."""

    def wrap(value: Any, handler: Any) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            if any(e["type"] == "string_pattern_mismatch" for e in exc.errors()):
                raise PydanticCustomError(code, message, {"value": describe_value(value)}) from None
            raise

    return WrapValidator(wrap)


def _check_date(text: str) -> str:
    try:
        parse_date(text)
    except ValueError as exc:  # e.g. 2025-02-30: the pattern passed, the calendar did not
        raise PydanticCustomError("schema.date", "{error}", {"error": str(exc)}) from None
    return text


def _check_url(text: str) -> str:
    if not re.match(r"https?://[^\s/$.?#<>\"][^\s<>\"]*\Z", text):  # \Z: no newline at the end
        message = f"{text!r} is not a web address: write it in full, starting http:// or https://"
        raise PydanticCustomError("schema.value", "{error}", {"error": message})
    return text


_AN_ID = _coded("schema.id", "{value} is not a valid id (lowercase a-z, 0-9 and single hyphens)")
_A_DATE = _coded("schema.date", "{value} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
_A_LANGUAGE = _coded("schema.language", "{value} is not a language code (e.g. en, ru, hi, zh)")
_NOT_BLANK = _coded("schema.empty", "is blank: write a value or remove the field")


# ---------------------------------------------------------------------------------------------
# Field types


@dataclass(frozen=True)
class Ref:
    """Marks a string field as a reference to a record of one of `types`."""

    types: tuple[str, ...]
    kinds: tuple[str, ...] = ()  # for actors: the allowed `kind`s; empty = any

    def describe(self) -> str:
        what = " or ".join(self.types)
        return f"{what} ({' or '.join(self.kinds)})" if self.kinds else what


NOT_BLANK = r"\S"  # at least one visible character: "   " is as empty as ""
Text = Annotated[str, StringConstraints(min_length=1, pattern=NOT_BLANK), _NOT_BLANK]
Markdown = Annotated[
    str,
    StringConstraints(min_length=1, pattern=NOT_BLANK),
    _NOT_BLANK,
    Field(json_schema_extra={"format": "markdown"}),
]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN), _AN_ID]
Date = Annotated[str, StringConstraints(pattern=DATE_PATTERN), _A_DATE, AfterValidator(_check_date)]
Url = Annotated[str, AfterValidator(_check_url)]
Language = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN), _A_LANGUAGE]


def ref(*types: str, kinds: tuple[str, ...] = ()) -> Any:
    return Annotated[str, StringConstraints(pattern=SLUG_PATTERN), _AN_ID, Ref(types, kinds)]


SourceRef = ref("sources")
ActorRef = ref("actors")
PersonRef = ref("actors", kinds=("person",))
StateRef = ref("actors", kinds=("state",))
Cites = Annotated[list[SourceRef], Field(min_length=1)]

Status = _literal("statuses")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Disagreement(Strict):
    """Another version of a field's value that some sources report."""

    field: Annotated[str, StringConstraints(pattern=r"^[a-z_]+(\.[a-z0-9_]+)*$"), _AN_ID] = Field(
        description="the field the sources disagree on, e.g. `date` or `participants.0.post`"
    )
    value: Text = Field(description="the value these sources report instead")
    cite: Cites
    note: Markdown | None = None


class Record(Strict):
    """Fields every record type but `sources` has: provenance."""

    cite: Cites = Field(description="ids of the sources that report this record")
    status: Status = Field(description="how well established the record is")
    disagreements: list[Disagreement] = Field(default_factory=list)
    former_ids: list[Slug] = Field(
        default_factory=list, description="ids this record had before a rename"
    )
    note: Markdown | None = Field(default=None, description="an editor's note shown on the page")


class Post(Strict):
    """A post or membership held over time (Popolo membership)."""

    organisation: ref("actors", kinds=("organisation", "state")) = Field(  # type: ignore[valid-type]
        description="the organisation or state the post is in"
    )
    title: Text = Field(description="the post, e.g. `Minister of Defence` or `member state`")
    start: Date | None = None
    end: Date | None = None
    attested: Date | None = Field(
        default=None, description="a date the post is known held, when start is unknown"
    )
    cite: list[SourceRef] = Field(default_factory=list)


class Actor(Record):
    kind: _literal("actor_kinds")  # type: ignore[valid-type]
    name: Text
    native_names: dict[Language, Text] = Field(
        default_factory=dict, description="names in native scripts by language code"
    )
    aliases: list[Text] = Field(default_factory=list)
    summary: Markdown | None = None
    identifiers: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$"), _AN_ID], Text
    ] = Field(default_factory=dict, description="external identifiers, e.g. `wikidata: Q1234`")
    country: StateRef | None = None  # type: ignore[valid-type]
    posts: list[Post] = Field(default_factory=list)


class Place(Record):
    name: Text
    kind: _literal("place_kinds") | None = None  # type: ignore[valid-type]
    native_names: dict[Language, Text] = Field(default_factory=dict)
    aliases: list[Text] = Field(default_factory=list)
    country: StateRef | None = None  # type: ignore[valid-type]
    located_in: ref("places") | None = None  # type: ignore[valid-type]
    summary: Markdown | None = None


class Participant(Strict):
    actor: ActorRef  # type: ignore[valid-type]
    role: _literal("participant_roles") | None = None  # type: ignore[valid-type]
    post: Text | None = Field(default=None, description="the post held at the time of the meeting")
    on_behalf_of: ActorRef | None = None  # type: ignore[valid-type]
    cite: list[SourceRef] = Field(default_factory=list)  # type: ignore[valid-type]


class Quote(Strict):
    by: ActorRef  # type: ignore[valid-type]
    text: Text
    language: Language | None = None
    translation: Text | None = Field(
        default=None, description="an English translation, when the text is not English"
    )
    cite: list[SourceRef] = Field(default_factory=list)  # type: ignore[valid-type]


class Meeting(Record):
    title: Text
    kind: _literal("meeting_kinds")  # type: ignore[valid-type]
    date: Date
    end_date: Date | None = None
    place: ref("places") | None = None  # type: ignore[valid-type]
    part_of: ref("meetings") | None = Field(
        default=None, description="the larger meeting this one happened on the sidelines of"
    )  # type: ignore[valid-type]
    participants: list[Participant] = Field(default_factory=list)
    topics: list[ref("topics")] = Field(default_factory=list)  # type: ignore[valid-type]
    summary: Markdown | None = None
    quotes: list[Quote] = Field(default_factory=list)
    outcomes: list[Markdown] = Field(default_factory=list)


class Position(Record):
    holder: ActorRef = Field(
        description="the actor (state, organisation, person) whose stance it is"
    )  # type: ignore[valid-type]
    expressed_by: PersonRef | None = Field(default=None, description="the person who voiced it")  # type: ignore[valid-type]
    topic: ref("topics")  # type: ignore[valid-type]
    stance: _literal("stances")  # type: ignore[valid-type]
    date: Date | None = None
    expressed_at: ref("meetings") | None = None  # type: ignore[valid-type]
    statement: Markdown
    reason: Markdown | None = None
    quotes: list[Quote] = Field(default_factory=list)


class Topic(Record):
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    parent: ref("topics") | None = None  # type: ignore[valid-type]
    summary: Markdown | None = None


class Source(Strict):
    title: Text
    kind: _literal("source_kinds")  # type: ignore[valid-type]
    publisher: Text | None = None
    agency: Text | None = Field(
        default=None, description="the news agency the report comes from, e.g. ANI"
    )
    url: Url | None = None
    archived: Url | None = Field(
        default=None, description="the address of an archived copy (e.g. in the Wayback Machine)"
    )
    archived_on: Date | None = Field(default=None, description="when the archived copy was made")
    published: Date | None = None
    retrieved: Date | None = None
    language: Language | None = None
    note: Markdown | None = None
    former_ids: list[Slug] = Field(default_factory=list)


MODELS: dict[str, type[Strict]] = {
    "actors": Actor,
    "places": Place,
    "meetings": Meeting,
    "positions": Position,
    "topics": Topic,
    "sources": Source,
}

# Fields whose text is Markdown (may hold [[id]] links); the rest is plain text.
MARKDOWN_FIELDS = {"summary", "note", "statement", "reason", "outcomes"}

# The name shown for a record of each type.
TITLE_FIELD = {
    "actors": "name",
    "places": "name",
    "meetings": "title",
    "positions": None,
    "topics": "name",
    "sources": "title",
}


# ---------------------------------------------------------------------------------------------
# Introspection: where the references are


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Strip Optional/Annotated; return the bare type and the metadata found."""
    metadata: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            args = get_args(annotation)
            annotation, metadata = args[0], metadata + list(args[1:])
        elif origin is not None and type(None) in get_args(annotation):  # X | None
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation, metadata


@functools.cache
def _ref_fields(model: type[BaseModel]) -> tuple[tuple[str, str, Any], ...]:
    """(field, how, Ref or model) for each field of `model` that holds references, in field order.

    how: "ref" one id, "refs" a list of ids, "model" a nested model, "models" a list of them.
    Worked out once per model: the introspection is far slower than the records' own walk.
    """
    plan: list[tuple[str, str, Any]] = []
    for name, field in model.model_fields.items():
        annotation, metadata = _unwrap(field.annotation)
        metadata += list(field.metadata)
        marker = next((m for m in metadata if isinstance(m, Ref)), None)
        if marker is not None:
            plan.append((name, "ref", marker))
        elif get_origin(annotation) is list:
            inner, inner_meta = _unwrap(get_args(annotation)[0])
            marker = next((m for m in inner_meta if isinstance(m, Ref)), None)
            if marker is not None:
                plan.append((name, "refs", marker))
            elif isinstance(inner, type) and issubclass(inner, BaseModel):
                plan.append((name, "models", inner))
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            plan.append((name, "model", annotation))
    return tuple(plan)


def iter_refs(value: Any, model: type[BaseModel] | None = None, path: tuple = ()):
    """Yield (path, id, Ref) for every reference inside a record: a validated one, or its raw data
    as the loader read it (pass `model`; a value of the wrong shape there is skipped, the
    validator reports it). The one walker over a record's references."""
    raw = isinstance(value, dict)
    for name, how, what in _ref_fields(model or type(value)):
        item = value.get(name) if raw else getattr(value, name)
        if item is None:
            continue
        if how == "ref":
            if isinstance(item, str):
                yield path + (name,), item, what
        elif how == "model":
            if isinstance(item, (dict, BaseModel)):
                yield from iter_refs(item, what, path + (name,))
        elif isinstance(item, list):
            for index, element in enumerate(item):
                if how == "refs" and isinstance(element, str):
                    yield path + (name, index), element, what
                elif how == "models" and isinstance(element, (dict, BaseModel)):
                    yield from iter_refs(element, what, path + (name, index))


def reference_fields(model: type[BaseModel]) -> set[str]:
    """The dotted name of every field of `model` that holds references, e.g.
    `participants.on_behalf_of` (list indexes left out)."""
    out = set()
    for name, how, what in _ref_fields(model):
        if how in ("ref", "refs"):
            out.add(name)
        else:
            out |= {f"{name}.{inner}" for inner in reference_fields(what)}
    return out


def field_names(model: type[BaseModel], loc: tuple) -> list[str]:
    """Return the field names allowed at `loc` (a path into a record) for did-you-mean hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        current, _ = _unwrap(field.annotation)
        while get_origin(current) is list:
            current, _ = _unwrap(get_args(current)[0])
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []
