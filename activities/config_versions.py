"""The configuration in force, as versions in the event log.

An admin edits the configuration in the browser (or pushes a reviewed file with
``trainops config apply``); each saved document is a ``ConfigurationChanged`` event on the
``configuration`` stream, so who changed what, when and why is part of the tamper-evident
history, and the stream's expected version stops two admins overwriting each other. Until the
first save, the file named by ``TRAINOPS_CONFIG_FILE`` (or the built-in defaults) is in force.

Workers ask a ``ConfigSource`` for the configuration on every activity: one cheap query for the
stream's version, a parse only when it changed, so a saved change applies without a restart.
A document is validated before it is saved, so a worker never meets a version it cannot load.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from uuid import uuid4

import structlog

from activities.admin_config import AdminConfig, ConfigFileError, parse_admin_config
from activities.config_texts import CONFIG_EN
from domain.events import ConfigurationChanged, load_event
from domain.ratings import KpiRules
from domain.streams import CONFIG_STREAM
from eventlog import EventStore, NewEvent, StreamVersionConflict

log = structlog.get_logger(__name__)

T = TypeVar("T")
#: What activities call for the configuration in force: a ``ConfigSource``, or a fixed one.
ConfigProvider = Callable[[], AdminConfig]
MAX_DOCUMENT_CHARS = 200_000


def provider(value: T | Callable[[], T] | None, default: T) -> Callable[[], T]:
    """``value`` as something to call for the setting in force: a source that follows saved
    versions, or a fixed setting (``default`` when there is none)."""
    if callable(value):
        return value
    fixed = default if value is None else value
    return lambda: fixed


class ConfigConflict(Exception):
    """Someone saved another version since the editor loaded the one it changes; ``key`` and
    ``params`` name why (``activities.config_texts``)."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key, self.params = key, {name: str(value) for name, value in params.items()}
        super().__init__(CONFIG_EN[key].format_map(self.params))


@dataclass(frozen=True)
class ConfigVersion:
    """One version of the configuration: 0 is the file (or the defaults) before any save."""

    version: int
    document: str
    sha256: str
    source: str
    """``log`` for a saved version; the file's path, or ``built-in defaults``, for version 0."""
    comment: str = ""
    changed_by: str = ""
    changed_at: datetime | None = None
    position: int = 0
    """Where in the log it was saved (0: not saved; the file or the defaults)."""


def _digest(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def file_version(path: Path | None) -> ConfigVersion:
    """Version 0: the configuration file's text, or empty for the built-in defaults."""
    if path is None:
        return ConfigVersion(0, "", _digest(""), "built-in defaults")
    try:
        document = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError("config.cannot_read", source=path, reason=exc) from exc
    return ConfigVersion(0, document, _digest(document), str(path))


def history(store: EventStore, only: int | None = None) -> list[ConfigVersion]:
    """Every saved version, oldest first; or version ``only`` alone (none if not saved): each
    version is the stream's event of that number."""
    versions = []
    after = 0 if only is None else only - 1
    for recorded in store.read_stream(CONFIG_STREAM, after, up_to_version=only):
        event = load_event(recorded.event_type, recorded.schema_version, recorded.payload)
        assert isinstance(event, ConfigurationChanged)
        versions.append(
            ConfigVersion(
                version=event.version,
                document=event.document,
                sha256=event.sha256,
                source="log",
                comment=event.comment,
                changed_by=str(recorded.metadata.get("actor", "")),
                changed_at=recorded.occurred_at,
                position=recorded.position,
            )
        )
    return versions


def current_version(store: EventStore, file: Path | None) -> ConfigVersion:
    """The version in force: the last saved one, else the file's."""
    return in_force(history(store), file)


def in_force(saved: Sequence[ConfigVersion], file: Path | None) -> ConfigVersion:
    """The version in force, given the saved ones (for callers that read the history anyway)."""
    return saved[-1] if saved else file_version(file)


def check_document(document: str) -> AdminConfig:
    """The configuration ``document`` holds, or ``ConfigFileError`` naming the line of the first
    problem: what a save checks, also asked by the editor while the admin types."""
    if len(document) > MAX_DOCUMENT_CHARS:
        raise ConfigFileError("config.too_long", limit=MAX_DOCUMENT_CHARS)
    if not document.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in document.splitlines()
    ):
        raise ConfigFileError("config.empty")
    return parse_admin_config(document, "the configuration")


def save_version(
    store: EventStore,
    document: str,
    *,
    actor: str,
    expected_version: int,
    comment: str = "",
    proof: dict[str, Any] | None = None,
) -> ConfigVersion:
    """Validate ``document`` and put it in force as the version after ``expected_version``.
    ``proof``: the admin's signed request, kept in the event's metadata.

    Refusals write nothing: ``ConfigFileError`` names the line of the first problem,
    ``ConfigConflict`` says another admin saved in the meantime."""
    check_document(document)
    version = expected_version + 1
    event = ConfigurationChanged(
        version=version, document=document, sha256=_digest(document), comment=comment
    )
    now = datetime.now(UTC)
    try:
        store.append(
            CONFIG_STREAM,
            expected_version,
            [
                NewEvent.of(
                    event,
                    event_id=uuid4(),
                    occurred_at=now,
                    metadata={
                        "actor": actor,
                        "role": "admin",
                        **({"proof": proof} if proof is not None else {}),
                    },
                )
            ],
        )
    except StreamVersionConflict as exc:
        if exc.actual < expected_version:
            raise ConfigConflict(
                "config.no_base_version", expected=expected_version, actual=exc.actual
            ) from exc
        following = history(store)[expected_version]  # the version saved after the base
        if (following.sha256, following.changed_by, following.comment) == (
            event.sha256,
            actor,
            comment,
        ):
            return following  # a retry of a save that landed (its answer was lost): a no-op
        raise ConfigConflict(
            "config.saved_meanwhile", expected=expected_version, actual=exc.actual
        ) from exc
    return ConfigVersion(version, document, event.sha256, "log", comment, actor, now)


class ConfigSource:
    """The configuration in force for a worker: re-read when a new version is saved."""

    def __init__(self, store: EventStore, file: Path | None) -> None:
        self.store = store
        self.file = file
        self._lock = threading.Lock()
        self._loaded: tuple[int, AdminConfig] | None = None

    def __call__(self) -> AdminConfig:
        version = self.store.stream_version(CONFIG_STREAM)
        with self._lock:
            if self._loaded is None or self._loaded[0] != version:
                current = current_version(self.store, self.file)
                try:
                    config = parse_admin_config(current.document, current.source)
                except ConfigFileError as exc:
                    if self._loaded is None:
                        raise  # nothing to fall back on: the worker must not start
                    # Saved by a newer release this worker cannot read: keep the last good
                    # version rather than fail every activity, and say so once per version.
                    log.error(
                        "configuration version not loaded; the previous one stays in force",
                        version=current.version,
                        error=str(exc),
                    )
                    self._loaded = (current.version, self._loaded[1])
                    return self._loaded[1]
                self._loaded = (current.version, config)
            return self._loaded[1]


def kpi_rules(store: EventStore, file: Path | None, up_to: int | None = None) -> KpiRules:
    """The ``kpi`` section of the configuration in force (at log position ``up_to``: what the
    system rated with there). A version that cannot be read counts as none."""
    saved = [v for v in history(store) if up_to is None or v.position <= up_to]
    try:
        version = in_force(saved, file)
        return parse_admin_config(version.document, version.source).kpi
    except ConfigFileError:
        return KpiRules()
