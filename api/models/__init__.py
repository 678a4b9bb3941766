"""Request and answer models: the one place each JSON shape of the API is written.

``fields`` holds the kinds of value (checks and schema together), ``base`` the two bases,
one module per area the models, and ``document`` turns them into the OpenAPI document's
``components.schemas``.
"""
