"""The admin's configuration file: approval policy, calendar, reminder times, notification routes.

It is YAML, loaded and validated once when a worker starts. A bad file is refused whole, with
the line of the first problem, so a half-loaded policy can never route a program.
"""

from __future__ import annotations

import fnmatch
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from activities.config_texts import CONFIG_EN
from domain.approval import ApprovalPolicy
from domain.calendar import CalendarConfig, ReminderRules
from domain.fact_rules import FactRules
from domain.plain_problems import plain_problem
from domain.ratings import KpiRules
from domain.refusals import param_text


class CalendarSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    company_holidays: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()

    def for_region(self, region: str | None) -> CalendarConfig:
        return CalendarConfig(
            region=region,
            company_holidays=self.company_holidays,
            extra_working_days=self.extra_working_days,
        )


class SmtpChannel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["smtp"]
    host: str
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    sender: str
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None
    """Name of the environment variable holding the password (never the password itself)."""
    timeout_seconds: float = 10.0


class WebhookChannel(BaseModel):
    """A chat bot or HTTP endpoint. Bot URLs usually carry their access key (WeCom ``?key=``,
    DingTalk ``?access_token=``, Feishu in the path): name an environment variable holding the
    URL with ``url_env``. The document is kept in the event log for good, so ``url`` refuses a
    query string or credentials."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["webhook"]
    url: Annotated[str, Field(pattern=r"^https?://")] | None = None
    url_env: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] | None = None
    format: Literal["generic", "wecom", "dingtalk", "feishu"] = "generic"
    timeout_seconds: float = 10.0

    @model_validator(mode="after")
    def _one_url(self) -> WebhookChannel:
        if self.url is not None and any(mark in self.url for mark in "?@#"):
            raise PydanticCustomError(
                "setting.webhook_url_key",
                "a webhook url must not carry a key (query string or credentials): put the"
                " whole URL in an environment variable and name it with url_env",
            )
        if (self.url is None) == (self.url_env is None):
            raise PydanticCustomError(
                "setting.webhook_one_url",
                "give the webhook either url (no key in it) or url_env (the name of an"
                " environment variable holding a URL with its key)",
            )
        return self


Channel = Annotated[SmtpChannel | WebhookChannel, Field(discriminator="type")]


class NotificationRoute(BaseModel):
    """Which channel reaches which people: the first route whose pattern matches wins."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    recipients: tuple[str, ...] = ("*",)
    channel: str
    address: str = "{person}"
    """Template of the address on that channel, e.g. ``{person}@example.com``."""


class NotificationSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    channels: dict[str, Channel] = {}
    routes: tuple[NotificationRoute, ...] = ()

    @model_validator(mode="after")
    def _routes_name_channels(self) -> NotificationSettings:
        for route in self.routes:
            if route.channel != "outbox" and route.channel not in self.channels:
                raise PydanticCustomError(
                    "setting.unknown_channel",
                    "route names unknown channel '{channel}'",
                    {"channel": route.channel},
                )
        return self

    def route_for(self, person: str) -> tuple[str, str]:
        """(channel name, address) for ``person``; the outbox when no route matches."""
        for route in self.routes:
            if any(fnmatch.fnmatchcase(person, pattern) for pattern in route.recipients):
                return route.channel, route.address.format(person=person)
        return "outbox", person


class AdminConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    approval: ApprovalPolicy = ApprovalPolicy()
    calendar: CalendarSettings = CalendarSettings()
    reminders: ReminderRules = ReminderRules()
    facts: FactRules = FactRules()
    notifications: NotificationSettings = NotificationSettings()
    kpi: KpiRules = KpiRules()
    """KPI thresholds and the exam pass mark: versioned like the rest, so the dashboard, the
    command line and an auditor's export rate with the same, provable thresholds."""


def default_document() -> str:
    """The built-in defaults written out as the YAML an admin edits (what is in force before
    any file or saved version), so the editor never opens empty."""
    values = AdminConfig().model_dump(mode="json", exclude_none=True)
    text = yaml.safe_dump(values, sort_keys=False, allow_unicode=True)
    return "# The built-in defaults, in force until a version is saved.\n" + text


class ConfigFileError(Exception):
    """A configuration file that cannot be used; the message names the file and line, and
    ``line`` holds it for an editor to point at (None: the whole document). ``key`` and
    ``params`` name it (``activities.config_texts``) for the edges to say in the reader's
    language."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = {name: param_text(value) for name, value in params.items()}
        super().__init__(CONFIG_EN[key].format_map(self.params))
        line = params.get("line")
        self.line = line if isinstance(line, int) else None


class _AliasRefused(yaml.composer.ComposerError):
    """An alias (``*name``) in the document, which the configuration refuses."""


class _LineLoader(yaml.SafeLoader):
    """Remembers the line of every mapping key and sequence item, to point at problems.

    Aliases (``*name``) are refused: expanding them is exponential (a few hundred characters
    can stall the process), and a configuration has no need for them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise _AliasRefused(None, None, "aliases (*name) are not allowed", mark)
        return super().compose_node(parent, index)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    lines = {loader.construct_object(k): k.start_mark.line + 1 for k, _ in node.value}
    mapping["__lines__"] = lines
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> list[Any]:
    items = loader.construct_sequence(node, deep=True)
    return _LinedList(items, [n.start_mark.line + 1 for n in node.value])


class _LinedList(list[Any]):
    def __init__(self, items: list[Any], lines: list[int]) -> None:
        super().__init__(items)
        self.lines = lines


class _NoSuchDay(ValueError):
    """A YAML timestamp no calendar has (2027-02-30): its text and line, for the message."""

    def __init__(self, value: str, line: int) -> None:
        super().__init__(value)
        self.value, self.line = value, line


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    """PyYAML builds dates itself and says only Python's words when there is no such day."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as exc:
        raise _NoSuchDay(str(node.value), node.start_mark.line + 1) from exc


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k != "__lines__"}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _line_of(node: Any, location: tuple[int | str, ...]) -> int | None:
    line: int | None = None
    for part in location:
        if isinstance(node, dict) and part in node:
            line = node.get("__lines__", {}).get(part, line)
            node = node[part]
        elif isinstance(node, _LinedList) and isinstance(part, int) and part < len(node):
            line = node.lines[part]
            node = node[part]
        else:
            break
    return line


#: What closes each bracket or quote that YAML's flow style opens.
CLOSERS = {"[": "]", "{": "}", '"': '"', "'": "'"}


def _unclosed(text: str) -> tuple[int, int, str] | None:
    """The innermost bracket or quote still open at the end of ``text`` (line, column, the
    character), reading as YAML does: quotes hold anything (``''`` is a quote inside single
    ones, ``\\`` escapes inside double ones), ``#`` after a space starts a comment, and a
    quote counts only where a value can start."""
    stack: list[tuple[int, int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        index = 0
        while index < len(line):
            char = line[index]
            quoted = stack[-1][2] if stack and stack[-1][2] in "\"'" else None
            if quoted == '"' and char == "\\":
                index += 2
                continue
            if quoted is not None:
                if char == quoted and line[index : index + 2] != "''":
                    stack.pop()
                elif char == quoted:
                    index += 1  # '' inside single quotes
                index += 1
                continue
            before = line[:index].rstrip()
            if char == "#" and (index == 0 or line[index - 1] in " \t"):
                break
            if char in "[{":
                stack.append((number, index + 1, char))
            elif char in "]}" and stack and CLOSERS[stack[-1][2]] == char:
                stack.pop()
            elif char in "\"'" and (not before or before[-1] in ":-[{,?"):
                stack.append((number, index + 1, char))
            index += 1
    return stack[-1] if stack else None


def _unreadable(exc: yaml.YAMLError, text: str, source: str) -> ConfigFileError:
    """Why YAML could not read ``text``: a character it refuses (a NUL byte says the file is
    not text), an alias, or the parser's own words, with the line where known."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        if exc.character == 0:
            return ConfigFileError("config.not_text", source=source, line=line)
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "?"
        return ConfigFileError(
            "config.control_character", source=source, line=line, character=character
        )
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return ConfigFileError("config.not_yaml", source=source, detail=" ".join(str(exc).split()))
    line = min(mark.line + 1, max(1, len(text.splitlines())))  # never past the last line
    if isinstance(exc, _AliasRefused):
        return ConfigFileError("config.alias", source=source, line=line)
    opened = _unclosed(text) if mark.index >= len(text.rstrip()) else None
    if opened is not None:  # the parser reached the end looking for a closing bracket/quote
        at_line, column, opener = opened
        return ConfigFileError(
            "config.not_closed_at",
            source=source,
            line=at_line,
            column=column,
            opener=opener,
            closer=CLOSERS[opener],
        )
    started = getattr(exc, "context_mark", None)
    context = str(getattr(exc, "context", "") or "")
    if (
        context in ("while parsing a flow sequence", "while parsing a flow mapping")
        and started is not None
        and started.line < mark.line
        and text[started.index : started.index + 1] in ("[", "{")
    ):  # a bracket left open runs into the next lines: where it opened is what to fix
        opener = text[started.index]
        return ConfigFileError(
            "config.not_closed_before",
            source=source,
            line=started.line + 1,
            column=started.column + 1,
            opener=opener,
            closer=CLOSERS[opener],
            later=line,
        )
    # PyYAML's five lines (context, problem, the document drawn under carets) as one: the
    # problem and where it is; the edges say it in the reader's language from ``problem``.
    problem = " ".join(str(getattr(exc, "problem", None) or "cannot be parsed here").split())
    return ConfigFileError(
        "config.not_yaml_at", source=source, line=line, column=mark.column + 1, problem=problem
    )


def parse_admin_config(text: str, source: str = "<config>") -> AdminConfig:
    try:
        raw = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        raise _unreadable(exc, text, source) from exc
    except _NoSuchDay as exc:
        raise ConfigFileError(
            "config.no_such_day", source=source, line=exc.line, value=exc.value
        ) from exc
    except ValueError as exc:
        raise ConfigFileError("config.bad_value", source=source, detail=exc) from exc
    except RecursionError as exc:
        raise ConfigFileError("config.too_deep", source=source) from exc
    if raw is None:
        return AdminConfig()
    if not isinstance(raw, dict):
        raise ConfigFileError("config.not_mapping", source=source)
    try:
        return AdminConfig.model_validate(_strip(raw))
    except ValidationError as exc:
        # the problem highest in the file first (pydantic's order is the model's fields', kept
        # on a line); the count of the others, so fixing one is not followed by a surprise
        errors = sorted(exc.errors(), key=lambda e: _line_of(raw, tuple(e["loc"])) or 0)
        first = errors[0]
        location = tuple(first["loc"])
        line = _line_of(raw, location)
        path = ".".join(str(p) for p in location) or "(root)"
        # the problem's type and context let the edges say it in another language
        said = {
            "problem": plain_problem(first),
            "problem_type": first["type"],
            **first.get("ctx", {}),
        }
        more = {"more": len(errors) - 1} if len(errors) > 1 else {}
        key = "config.invalid" if line is None else "config.invalid_at"
        where = {} if line is None else {"line": line}
        raise ConfigFileError(
            key + ("_more" if more else ""), source=source, path=path, **where, **said, **more
        ) from exc


def load_admin_config(path: Path | None) -> AdminConfig:
    """The configuration in ``path``; the built-in defaults when no file is configured."""
    if path is None:
        return AdminConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError("config.cannot_read", source=path, reason=exc) from exc
    return parse_admin_config(text, str(path))
