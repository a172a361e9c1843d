"""All configuration in one place, read from ``TRAINOPS_*`` environment variables or ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRAINOPS_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///.trainops/trainops.db",
        description="SQLAlchemy URL of the event log and read models "
        "(e.g. postgresql+psycopg://user@host:5432/db).",
    )
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "trainops-programs"
    temporal_db_file: Path = Path(".trainops/temporal.db")
    temporal_ui_port: int = 8233
    projector_poll_seconds: float = Field(default=0.25, gt=0)
    log_format: Literal["console", "json"] = "console"
    log_level: Literal["debug", "info", "warning", "error"] = "info"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
