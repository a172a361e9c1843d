"""The people's interfaces: the HTTP API (JSON, OpenAPI) and the server-rendered web pages.

Commands go through the same Temporal updates as the command line (``trainops.client``); reads
come from the read models (``projections``). Users, roles, API tokens and browser sessions live in
this package's own tables (``api/migrations``, version table ``api_schema_version``).
"""
