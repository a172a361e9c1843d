"""Use cases shared by the HTTP API and the web pages: who may do what, checked once here.

Every action of a person passes through one function of this package, which checks the
person's role and ownership, builds the domain command with the authenticated person as its
actor, and sends it through the signing gateway (``services.program_client.ProgramClient``) so the
workflow can verify who asked. The API turns the errors of ``services.errors`` into HTTP answers.
"""
