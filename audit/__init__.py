"""The auditor's tools: read the history, verify the chain against digests and seals, replay the
log into scratch read models (now or as of a past moment), replay workflow histories, export.

Every entry point is a plain function returning pydantic models or iterators, so the command
line (``trainops audit``) and an HTTP API can share them. Nothing here writes a read model
except through ``projections`` (into a scratch database), and nothing here writes the live log;
the only write is ``seal_log``, which adds a row to ``log_seals``.
"""
