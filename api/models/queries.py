"""Query strings: the named values a GET takes, each a model (api/validation.read_query), from
which the document's query parameters are made (operations name theirs with `x-query`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from api.models.base import Query
from api.models.fields import PROSE, Flag, Instant, Level, Text, Whole

ID_MAX = 2**62  # the document's ids (components.parameters.Id)


class SessionQuery(Query):
    facilitator_id: Whole(1, ID_MAX) | None = None
    limit: Whole(1, 100) = 20
    cursor: Annotated[
        Text(r"^[0-9]{0,18}$", max_length=18, trim=False, blank="must be a next_cursor as given"),
        Field(description="next_cursor of the previous page"),
    ] = ""


class OccurrenceQuery(Query):
    from_: Annotated[Instant | None, Field(alias="from", description="starts at or after")] = None
    to: Annotated[Instant | None, Field(description="starts before")] = None
    facilitator_id: Whole(1, ID_MAX) | None = None
    level: Level | None = None
    topic: Text(PROSE, max_length=60) | None = None
    has_seats: Flag | None = None
    limit: Whole(1, 100) = 20
    cursor: Annotated[
        Text(
            r"^[0-9]{1,16}\.[0-9]{1,18}$",
            max_length=35,
            trim=False,
            blank="must be next_cursor as given, like 1772442000000000.17",
        )
        | None,
        Field(
            description="next_cursor of the previous page: where it ended, microseconds since"
            " 1970 (UTC) and an occurrence id; the next page starts after that"
        ),
    ] = None


MAX_OCCURRENCES = 200


class EventQuery(Query):
    occurrences: Annotated[
        Text(
            rf"^ *[0-9]{{1,18}} *(, *[0-9]{{1,18}} *){{0,{MAX_OCCURRENCES - 1}}}$",
            max_length=MAX_OCCURRENCES * 20,
            blank="must be occurrence ids separated by commas, e.g. 12,13"
            f" (at most {MAX_OCCURRENCES})",
        )
        | None,
        Field(description=f"occurrence ids, comma separated (at most {MAX_OCCURRENCES})"),
    ] = None
    after: Annotated[Whole(0, ID_MAX) | None, Field(description="resume after this event id")] = (
        None
    )


class RecordsQuery(Query):
    """A room's records, paged forward: `after` is the previous page's `next_after`."""

    after: Whole(0, 2**63 - 1) = 0
    limit: Whole(1, 200) = 100


class NotebookQuery(Query):
    q: Annotated[
        Text(PROSE, max_length=64), Field(description="search in words, definitions and notes")
    ] = ""
    sort: Literal["date", "level", "frequency", "word"] = "date"
    order: Annotated[
        Literal["desc", "asc"] | None,
        Field(description="default desc (newest, hardest, most frequent first); asc for sort=word"),
    ] = None
    starred: Flag = False
    limit: Whole(1, 500) = 100
    offset: Whole(0, 10**9) = 0


class ReviewQuery(Query):
    limit: Whole(1, 200) = 20


QUERIES = (SessionQuery, OccurrenceQuery, EventQuery, RecordsQuery, NotebookQuery, ReviewQuery)
