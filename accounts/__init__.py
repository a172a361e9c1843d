"""Who may sign in and what they may do: users, roles, API tokens and browser sessions, in the
application's own tables (``accounts/migrations``, version table ``api_schema_version``; the
tree also holds the import-jobs table).

A storage room beside the event log: it imports ``domain`` and ``eventlog``'s engine helpers and
nothing above; the services decide who may change an account, the API and the CLI call them.
"""
