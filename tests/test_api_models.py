"""The request models and the OpenAPI document cannot disagree: each body the document calls
valid, the model accepts, and each it calls invalid, the model refuses with a message naming
the field. No server: the models are checked against the document the API serves.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jsonschema
import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multidict import MultiDict

from api.errors import ApiError
from api.models import document, queries
from api.models.accounts import Registration
from api.models.base import Query
from api.openapi import document as served
from api.validation import checked, query_as

# RFC 3339's date-time, as the document's `format: date-time` means it (jsonschema has no
# checker of its own for it without an extra package).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
FORMATS = jsonschema.FormatChecker()
FORMATS.checks("date-time")(lambda value: not isinstance(value, str) or bool(RFC3339.match(value)))

REQUESTS = [
    *(model for model, mode in document.models() if mode == "validation"),
    *queries.QUERIES,
]
# Values a client might send: boundaries, near misses and the shapes each kind of field takes.
TEXTS = [
    "",
    " ",
    "a",
    " Ada ",
    "a\tb",
    "a\nb",
    "a\x00b",
    "\u00a0",
    "x" * 80,
    "x" * 81,
    "x" * 121,
    "aaaaaaaaaaaa",
    "correct horse battery",
    "Ab3$efgh",
    "A1",
    "Z9",
    "en",
    "weekly",
    "none",
    "participant",
    "facilitator",
    "admin",
    "Europe/Berlin",
    "Mars/Olympus",
    "ada@example.org",
    " ada@example.org ",
    "not-an-email",
    "2026-03-10T18:00:00+01:00",
    "2026-03-10T18:00:00Z",
    "2026-03-10t18:00:00z",
    "2026-03-10T18:00:00",
    "2026-12-31",
    "20261231",
    "abc_DEF-123",
    "abc def",
    "true",
    "True",
    "007",
    "12,13",
    "12, 13 ,14",
    "1772442000000000.17",
]
NESTED = ["frequency", "count", "until", "x"]  # a recurrence's fields, and one it has not
NUMBERS = [0, 1, 4, 5, 48, 48.0, 48.5, 200, 201, 480, 481, 500, 501, 10080, -1, True]


def _values(depth: int = 0) -> st.SearchStrategy[Any]:
    scalars = st.sampled_from([None, *TEXTS, *NUMBERS, False])
    if depth >= 2:
        return scalars
    return st.one_of(
        scalars,
        st.lists(_values(depth + 1), max_size=3),
        st.dictionaries(
            st.sampled_from(["frequency", "count", "until", "x"]), _values(depth + 1), max_size=3
        ),
    )


def _bodies(model: type) -> st.SearchStrategy[dict[str, Any]]:
    names = [field.alias or name for name, field in model.model_fields.items()] + ["unknown"]
    return st.dictionaries(st.sampled_from(names), _values(), max_size=len(names))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """ECMA-262's patterns, \\p{L} included (Python's re has no Unicode classes)."""
    if isinstance(instance, str) and not regex.search(pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


ECMA = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})


@cache
def _read_as(model: type, name: str, text: str) -> object:
    """What the document's parameter type makes of ``text``: the decimal of an integer,
    true or false (OpenAPI's form style); anything else stays text (and may not match)."""
    prop = model.model_json_schema()["properties"].get(name, {})
    kinds = {s.get("type") for s in prop.get("anyOf", [prop])}
    if "integer" in kinds and re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    return text


@cache
def _validator(model: type) -> Any:
    if issubclass(model, Query):  # its parameters are its schema's properties, one by one
        return ECMA(model.model_json_schema(), format_checker=FORMATS)
    full = served()
    schema = {"$ref": f"#/components/schemas/{model.__name__}", "components": full["components"]}
    return ECMA(schema, format_checker=FORMATS)


@pytest.mark.parametrize("model", REQUESTS, ids=lambda m: m.__name__)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_document_and_the_model_agree_on_every_body(model: type, data: st.DataObject) -> None:
    body = data.draw(_bodies(model))
    if issubclass(model, Query):  # sent as text, read as the parameter's type says
        sent = MultiDict({k: str(v) for k, v in body.items() if v is not None and str(v)})
        body = {k: _read_as(model, k, v) for k, v in sent.items()}
    valid = _validator(model).is_valid(body)
    try:
        query_as(model, sent) if issubclass(model, Query) else checked(model, body)
        accepted = True
    except ApiError as exc:
        assert exc.status == 400 and exc.code == "invalid_input"
        accepted = False
    assert accepted == valid, (body, "the model accepts" if accepted else "the model refuses")


def test_every_schema_of_the_document_is_a_model() -> None:
    written = set(served()["components"]["schemas"])
    assert written == set(document.schemas()), written ^ set(document.schemas())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"password": "x" * 12, "display_name": "Ada"}, "email is required"),
        ({"email": None, "password": "x" * 12, "display_name": "Ada"}, "email is required"),
        (
            {"email": "a@b.co", "password": "abcdefghijk1", "display_name": "Ada", "x": 1},
            "unknown field 'x' (expected: email, password, display_name, role)",
        ),
        (
            {"email": "a@b.co", "password": "abcdefghijk1", "display_name": "  "},
            "display_name must not be empty",
        ),
        (
            {"email": "a@b.co", "password": "abcdefghijk1", "display_name": "A\nda"},
            "display_name must not contain control characters (it is one line)",
        ),
        (
            {"email": "a@b.co", "password": "abcdefghijk1", "display_name": 7},
            "display_name must be text",
        ),
        (
            {"email": "a@b.co", "password": "abcdefghijk1", "display_name": "A", "role": "x"},
            "role must be one of: 'participant' or 'facilitator'",
        ),
    ],
)
def test_a_refusal_names_the_field(body: dict[str, Any], message: str) -> None:
    with pytest.raises(ApiError) as refused:
        checked(Registration, body)
    assert refused.value.message == message


def test_a_query_string_is_read_as_its_parameters_say() -> None:
    read = query_as(queries.OccurrenceQuery, MultiDict(has_seats="true", limit="5", level=""))
    assert (read.has_seats, read.limit, read.level, read.from_) == (True, 5, None, None)
    for sent, message in [
        (MultiDict(limit="5", foo="1"), "unknown query parameter 'foo' (expected: from,"),
        (MultiDict(limit="500"), "limit must be between 1 and 100, got 500"),
        (MultiDict(has_seats="True"), "has_seats must be true or false"),
        (MultiDict([("limit", "1"), ("limit", "2")]), "limit is given more than once"),
    ]:
        with pytest.raises(ApiError) as refused:
            query_as(queries.OccurrenceQuery, sent)
        assert refused.value.message.startswith(message), refused.value.message


def test_what_is_accepted_is_what_the_handler_gets() -> None:
    body = checked(
        Registration,
        {
            "email": " Ada@Example.ORG ",
            "password": "abcdefghijk1",
            "display_name": " Ada ",
            "role": None,
        },
    )
    assert (body.email, body.display_name, body.role) == ("ada@example.org", "Ada", "participant")
