"""Open the database once: engine, migrations for every table owner, the store and the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from activities.outbox import NotificationService, migrate_outbox
from api.users import migrate_users
from eventlog import EventStore
from eventlog.engine import make_engine, migrate
from projections.runner import ProjectionRunner
from projections.tables import migrate_read_models


@dataclass
class Database:
    engine: Engine
    store: EventStore
    outbox: NotificationService
    projector: ProjectionRunner

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str, **engine_options: object) -> Database:
    engine = make_engine(url, **engine_options)
    migrate(engine)
    migrate_outbox(engine)
    migrate_read_models(engine)
    migrate_users(engine)
    store = EventStore(engine)
    return Database(engine, store, NotificationService(engine), ProjectionRunner(store))
