"""The people's interfaces: the HTTP API (JSON, OpenAPI) and the server-rendered web pages.

Commands go through the same Temporal updates as the command line
(``services.program_client``); reads come from the read models (``projections``). Users, roles,
API tokens and browser sessions live in ``accounts``.
"""
