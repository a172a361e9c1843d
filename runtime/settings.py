"""All configuration in one place, read from ``TRAINOPS_*`` environment variables or ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_Url = TypeVar("_Url", str, SecretStr | None)

#: The shortest secret key a production API accepts.
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRAINOPS_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///.trainops/trainops.db",
        description="SQLAlchemy URL of the event log and read models "
        "(e.g. postgresql+psycopg://user@host:5432/db).",
    )

    @field_validator("database_url", "migration_database_url")
    @classmethod
    def _sqlite_or_postgresql(cls, value: _Url) -> _Url:
        """SQLite (a file) or PostgreSQL: anything else would fail later with a driver's
        traceback, and an in-memory SQLite database is empty in every new process."""
        url = value.get_secret_value() if isinstance(value, SecretStr) else value
        if url is None:
            return value
        scheme, separator, rest = url.strip().partition("://")
        if not separator or scheme.split("+")[0] not in ("sqlite", "postgresql"):
            raise ValueError(
                "trainops keeps its data in SQLite or PostgreSQL: sqlite:///path/to/file.db "
                "or postgresql+psycopg://user@host:5432/database"
            )
        if scheme.startswith("sqlite") and rest.strip("/").split("?")[0] in ("", ":memory:"):
            raise ValueError("an SQLite URL names a file: sqlite:///path/to/file.db")
        return value

    eventlog_group_commit: bool = Field(
        default=False,
        description="PostgreSQL: appends from several processes share commits through an "
        "unlogged inbox (docs/performance.md). Off until measured ahead on your hardware.",
    )
    migration_database_url: SecretStr | None = Field(
        default=None,
        description="URL of the schema's owner, which runs migrations; unset: the app URL. "
        "Set it when the app's role may only append (docs/log-integrity.md).",
    )
    config_file: Path | None = Field(
        default=None,
        description="The admin's YAML file: approval policy, calendar, reminders, notification "
        "channels (see config/trainops.example.yaml). Unset: built-in defaults.",
    )
    temporal_address: str = Field(
        default="127.0.0.1:7233",
        description="host:port of the Temporal frontend (`trainops up` runs one there, on "
        "loopback only).",
    )
    temporal_namespace: str = Field(default="default", description="The Temporal namespace.")
    task_queue: str = Field(
        default="trainops-programs",
        description="The task queue the workers poll and the API starts programs on.",
    )
    # Mutual TLS to the Temporal frontend (production: `trainops certs generate`); all unset:
    # plain gRPC, which is only for the embedded stack's loopback server.
    temporal_tls_ca_file: Path | None = Field(
        default=None, description="CA certificate that signed the Temporal frontend's certificate."
    )
    temporal_tls_cert_file: Path | None = Field(
        default=None, description="This process's client certificate (PEM) for mutual TLS."
    )
    temporal_tls_key_file: Path | None = Field(
        default=None, description="The client certificate's private key (PEM, mode 0600)."
    )
    temporal_tls_server_name: str | None = Field(
        default=None,
        description="Name expected in the frontend's certificate; unset: the address's host.",
    )
    temporal_connect_wait_seconds: float = Field(
        default=120,
        ge=0,
        le=3600,
        description="How long a process retries connecting to Temporal (with backoff, logging "
        "why it waits) before it gives up; 0: one attempt.",
    )
    database_connect_wait_seconds: float = Field(
        default=120,
        ge=0,
        le=3600,
        description="How long a service waits for the database at start (with backoff, "
        "logging why it waits) before it gives up.",
    )
    temporal_db_file: Path = Field(
        default=Path(".trainops/temporal.db"),
        description="The embedded Temporal dev server's persistence (`trainops up`).",
    )
    temporal_ui_port: int = Field(
        default=8233,
        description="Port of the Temporal Web UI `trainops up` serves (--no-ui: none).",
    )
    projector_poll_seconds: float = Field(
        default=0.25,
        gt=0,
        description="How often the projector looks for new events; a standby projector takes "
        "over within this time of the leader's death.",
    )
    heartbeat_file: Path | None = Field(
        default=None,
        description="The worker and the projector touch this file while they work; "
        "`trainops health` (a container healthcheck) fails when it grows stale.",
    )
    require_secrets: bool = Field(
        default=False,
        description="Production: refuse to start without TRAINOPS_API_SECRET_KEY (32+ "
        "characters) instead of using a random key per process.",
    )
    worker_metrics_address: str | None = Field(
        default=None,
        description="host:port where a worker serves the Temporal SDK's metrics for "
        "Prometheus (e.g. 0.0.0.0:9464); unset: not served.",
    )
    # Worker tuning (docs/performance.md, "Open programs"): measured with 5,000 open programs
    # on one worker process (bench/open_programs_bench.py).
    worker_max_cached_workflows: int = Field(
        default=1000,
        ge=0,
        description="Programs a worker keeps in memory between their steps (the sticky cache); "
        "a program not cached replays its history when its next timer or action arrives.",
    )
    worker_max_concurrent_workflow_tasks: int = Field(
        default=10,
        ge=1,
        description="Workflow tasks (program steps) a worker runs at once. They are CPU work "
        "under one interpreter lock: more only makes each slower, towards the 10 s task timeout.",
    )
    worker_max_concurrent_activities: int = Field(
        default=16,
        ge=1,
        description="Activities (look-ups, appends, notices, the reminder fan-out, a roster's "
        "enrolment) a worker runs at once, each on a thread (one holds a database connection "
        "while it writes).",
    )
    worker_workflow_task_pollers: int = Field(
        default=5, ge=2, description="Concurrent long polls for workflow tasks (at least 2)."
    )
    worker_activity_task_pollers: int = Field(
        default=5, ge=1, description="Concurrent long polls for activity tasks."
    )
    otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP traces endpoint (e.g. http://collector:4318/v1/traces); unset: "
        "no tracing. Needs the extra trainops[telemetry].",
    )
    log_format: Literal["console", "json"] = Field(
        default="console", description="`console` or `json` (production): one JSON object a line."
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="`debug`, `info`, `warning` or `error`."
    )
    # HTTP API and web pages (api/). Secrets are SecretStr: never printed or logged.
    api_host: str = Field(
        default="127.0.0.1",
        description="Address the web pages and API listen on (`0.0.0.0`: every interface); "
        "`trainops up --host` beats it.",
    )
    api_port: int = Field(
        default=8000,
        ge=0,
        le=65535,
        description="Port of the web pages and API; `trainops up --port` beats it.",
    )
    api_secret_key: SecretStr | None = Field(
        default=None,
        description="Signs the sign-in form's CSRF token; a random one per process if unset.",
    )
    api_cookie_secure: bool = Field(
        default=True, description="Send cookies over HTTPS only (false for plain-http hosts)."
    )
    api_session_hours: float = Field(
        default=12, gt=0, le=24 * 30, description="How long a browser sign-in lasts."
    )
    api_max_request_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=64 * 1024,
        description="The largest request body the API reads (413 beyond it, before it is read); "
        "file uploads have their own limit.",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For is "
        "believed (e.g. 10.0.0.5); empty: the header is ignored and the peer address counts.",
    )
    # Actor assertions: only the API holds the private key; workers trust the public keys
    # published in the log.
    signing_key: SecretStr | None = Field(
        default=None,
        description="The API's Ed25519 signing key (base64 of the 32-byte seed, or PEM); "
        "`trainops keys generate` prints one. Unset: read TRAINOPS_SIGNING_KEY_FILE.",
    )
    signing_key_file: Path = Field(
        default=Path(".trainops/signing-key.pem"),
        description="Where the signing key is kept when TRAINOPS_SIGNING_KEY is unset.",
    )
    signing_key_create: bool = Field(
        default=True,
        description="Create the key file (mode 0600) when missing; false in production, "
        "where a missing key stops the API with a clear error.",
    )
    # Seals: a Temporal Schedule seals the log with its own key and hands each seal to witnesses
    # (docs/log-integrity.md).
    seal_key: SecretStr | None = Field(
        default=None,
        description="Ed25519 key that signs seals (base64 of the 32-byte seed, or PEM); not the "
        "API's key. Unset: read TRAINOPS_SEAL_KEY_FILE.",
    )
    seal_key_file: Path = Field(
        default=Path(".trainops/seal-key.pem"),
        description="Where the seal key is kept when TRAINOPS_SEAL_KEY is unset.",
    )
    seal_key_create: bool = Field(
        default=True, description="Create the seal key file (mode 0600) when missing."
    )
    seal_every_minutes: float = Field(
        default=60, ge=0, description="Seal the log this often (a Temporal Schedule); 0: never."
    )
    seal_min_new_events: int = Field(
        default=1, ge=1, description="Seal only when at least this many events are new."
    )
    witness_dir: Path | None = Field(
        default=Path(".trainops/witness"),
        description="Append-only directory receiving a file per seal; mount it from another "
        "host or WORM storage in production.",
    )
    witness_url: SecretStr | None = Field(
        default=None, description="Also POST each new seal to this URL (may carry a token)."
    )

    @field_validator("witness_dir", "witness_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """``TRAINOPS_WITNESS_DIR=`` turns the directory witness off (not "the current dir")."""
        return None if isinstance(value, str) and not value.strip() else value

    approval_due_days: int = Field(
        default=3,
        ge=1,
        le=90,
        description="Days after which an open approval task shows as overdue in the inbox.",
    )
    kpi_meets_rate: float = Field(
        default=0.8,
        ge=0,
        le=1,
        description="The execution KPIs' (plan completion, on time, ...) rate that meets "
        "expectations, before the thresholds file and the configuration's `kpi` section.",
    )
    kpi_excellent_rate: float = Field(
        default=0.95, ge=0, le=1, description="The execution KPIs' rate that is excellent."
    )
    kpi_thresholds_file: Path | None = Field(
        default=None,
        description="YAML/JSON file of KPI thresholds ({kpi: {meets, excellent}}, pass_mark); "
        "unset: the product defaults (see domain/ratings.py).",
    )
    exam_pass_mark: float = Field(
        default=60, ge=0, le=100, description="The exam score (0-100) that passes."
    )

    @model_validator(mode="after")
    def _client_certificate_whole(self) -> Settings:
        """A certificate without its key (or the reverse) is a typo, not a choice: say so at
        start instead of failing the handshake later."""
        if (self.temporal_tls_cert_file is None) != (self.temporal_tls_key_file is None):
            raise ValueError(
                "set both TRAINOPS_TEMPORAL_TLS_CERT_FILE and TRAINOPS_TEMPORAL_TLS_KEY_FILE, "
                "or neither"
            )
        return self

    def api_secret_problem(self) -> str | None:
        """Why the API must not start with this secret key, or None (see ``require_secrets``)."""
        if not self.require_secrets:
            return None
        secret = self.api_secret_key.get_secret_value() if self.api_secret_key else ""
        if len(secret.strip()) < MIN_SECRET_LENGTH:
            return (
                f"TRAINOPS_API_SECRET_KEY must be set to {MIN_SECRET_LENGTH} or more random "
                "characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        return None

    @property
    def temporal_tls(self) -> bool:
        return self.temporal_tls_ca_file is not None or self.temporal_tls_cert_file is not None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
