"""What every request body and every answer shares.

A request body is a ``Body`` (a pydantic model): api/validation.read_body checks a request
against it and hands the handler the model. An answer is a TypedDict configured with
``ANSWER``: the handler builds the dict, the type states its shape, and both make the OpenAPI
document's schemas (api/models/document.py), from which the web page's TypeScript types are
made. Answers stay plain dicts, so nothing is copied on the way out.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

ANSWER = ConfigDict(extra="forbid")


def _null_is_absent(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The document says what ``Body`` does: an optional field may be sent as null."""
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        if name not in required and "anyOf" not in prop and prop.get("type") != "null":
            default = prop.pop("default", None)
            schema["properties"][name] = {"anyOf": [prop, {"type": "null"}]}
            if default is not None:
                schema["properties"][name]["default"] = default


def stating(**rule: Any) -> ConfigDict:
    """A ``Body`` subclass's config whose schema also states ``rule`` (an ``anyOf`` or
    ``oneOf`` its model validator checks: which of its fields are needed)."""

    def extra(schema: dict[str, Any], model: type[BaseModel]) -> None:
        _null_is_absent(schema, model)
        schema.update(rule)

    return ConfigDict(json_schema_extra=extra)


class Body(BaseModel):
    """A JSON object a request sends: unknown fields are refused (a misspelt name would
    otherwise be ignored), and an optional field sent as null is one left out."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, json_schema_extra=_null_is_absent
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            optional = {n for n, f in cls.model_fields.items() if not f.is_required()}
            return {k: v for k, v in data.items() if not (v is None and k in optional)}
        return data


class Query(BaseModel):
    """A query string's named values (api/validation.read_query): each at most once, one sent
    empty is left out, and a whole number or true/false is read from its text, as the
    document's parameters (made from the model: api/models/document.py) say."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
