"""The auditor's tools: read the history, verify the chain against digests and seals, witnesses,
the signing keys published in the log, actor proofs, replay the log into scratch read models (now
or as of a past moment). It stands on ``eventlog`` and ``projections`` only; the use cases that
also need the workflows or the configuration (workflow replay, the export bundle) are in
``services``.

Every entry point is a plain function returning pydantic models or iterators, so the command
line (``trainops audit``) and an HTTP API can share them. Nothing here writes a read model
except through ``projections`` (into a scratch database). The only writes: ``seal_log`` adds a
row to ``log_seals``, and ``signing_keys`` appends key publications and retirements to the log.
"""
