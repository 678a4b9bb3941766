"""The OpenAPI document's ``components.schemas``, made from the models of every area."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from api.models import accounts, invitations, learning, operations, queries, sessions

AREAS = (operations, accounts, sessions, invitations, learning)
REF = "#/components/schemas/{model}"


class _Schemas(GenerateJsonSchema):
    """JSON Schema 2020-12 (OpenAPI 3.1's) without the titles pydantic makes of names."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def generate_definitions(self, inputs: Any) -> Any:
        refs, definitions = super().generate_definitions(inputs)
        for definition in definitions.values():
            definition.pop("title", None)
        return refs, definitions


def models() -> list[tuple[type, str]]:
    """Each model with the mode it is shown in: a body as it is read, an answer as it is sent."""
    found: list[tuple[type, str]] = []
    for area in AREAS:
        found += [(model, "validation") for model in area.REQUESTS]
        found += [(model, "serialization") for model in area.ANSWERS]
    return found


@cache
def schemas() -> dict[str, Any]:
    inputs = [(model, mode, TypeAdapter(model).core_schema) for model, mode in models()]
    refs, definitions = _Schemas(ref_template=REF).generate_definitions(inputs)
    for (model, _), ref in refs.items():  # one name per model, the class's own
        assert ref == {"$ref": REF.format(model=model.__name__)}, (model, ref)
    return dict(sorted(definitions.items()))


@cache
def query_parameters(name: str) -> list[dict[str, Any]]:
    """The query parameters of the query model ``name`` (api/models/queries.py), as an
    operation lists them: a value left out is null to the model, simply absent here."""
    model = {model.__name__: model for model in queries.QUERIES}[name]
    schema = model.model_json_schema(schema_generator=_Schemas)
    required = set(schema.get("required", ()))
    parameters = []
    for field, prop in schema["properties"].items():
        described = prop.pop("description", None)
        default = prop.pop("default", None)
        options = [s for s in prop.pop("anyOf", [prop]) if s.get("type") != "null"]
        value = {**prop, **options[0]} if len(options) == 1 else {**prop, "anyOf": options}
        if default is not None:
            value["default"] = default
        parameter = {"name": field, "in": "query", "required": field in required}
        if described:
            parameter["description"] = described
        parameters.append({**parameter, "schema": value})
    return parameters
