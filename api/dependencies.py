"""What every request depends on, in one module (FastAPI's "bigger applications" layout).

``Services`` is what every request needs: the database, the users, the Temporal client, the
settings. Who is asking: a bearer API token (scripts) or a browser session cookie (people), and
CSRF. A request signed in by cookie that changes anything must carry the session's CSRF token,
as the form field ``csrf_token`` or the ``X-CSRF-Token`` header. Bearer requests need none: a
browser never attaches a bearer token by itself.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal

import structlog
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from itsdangerous import BadSignature, URLSafeTimedSerializer

from accounts.model import User
from accounts.users import UserStore
from api.languages import N_, negotiate
from api.throttle import ADDRESS, SignInThrottle
from runtime.settings import Settings
from services.accounts import SetupCode
from services.database import Database
from services.errors import TemporalUnavailable
from services.imports_jobs import ImportJobs
from services.people import require_role as services_require_role
from services.program_client import ProgramClient, wall_clock
from services.proven import kept_proof
from services.signing import Signer

ClientFactory = Callable[[], Awaitable[ProgramClient]]
log = structlog.get_logger(__name__)


@dataclass
class Services:
    settings: Settings
    database: Database
    users: UserStore
    client_factory: ClientFactory | None = None
    programs_client: ProgramClient | None = None
    read_your_writes_seconds: float = 5.0
    setup_code: SetupCode | None = None
    """The one-time code that creates the first admin (a fresh installation only)."""
    actor_signer: Signer | None = None
    """Signs every person's action: workflow updates (through ``programs``) and direct appends."""
    throttle: SignInThrottle = field(default_factory=SignInThrottle)
    jobs: ImportJobs | None = None
    """Reference-data loads in the background (``services.imports_jobs``)."""
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _background: set[asyncio.Task[Any]] = field(default_factory=set)
    _signer: URLSafeTimedSerializer | None = None

    def in_background(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``work`` after the answer went out (kept referenced until it ends; a failure is
        logged, never raised into a request)."""
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)

        def done(finished: asyncio.Task[Any]) -> None:
            self._background.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                log.warning("background work failed", error=repr(finished.exception()))

        task.add_done_callback(done)
        return task

    async def now(self) -> datetime:
        """The programs' clock: the wall clock, or the time a test server has skipped to. It
        never connects to Temporal: a page that only reads must not wait for it."""
        client = self.programs_client
        return await (client.clock() if client is not None else wall_clock())

    async def programs(self) -> ProgramClient:
        """The Temporal client, connected on first use (so the API starts before Temporal)."""
        if self.programs_client is not None:
            return self.programs_client
        async with self._lock:
            if self.programs_client is None:
                if self.client_factory is None:
                    raise TemporalUnavailable("error.temporal_not_configured")
                try:
                    self.programs_client = await self.client_factory()
                except Exception as exc:
                    raise TemporalUnavailable(
                        "error.temporal_unreachable", address=self.settings.temporal_address
                    ) from exc
        return self.programs_client

    def proof(self, actor: str, scope: str, kind: str, **fields: Any) -> dict[str, Any] | None:
        """The kept proof of a person's direct request (None only without a signer)."""
        if self.actor_signer is None:
            return None
        return kept_proof(self.actor_signer, actor, scope, kind, **fields)

    async def wait_for_projection(self, position: int) -> bool:
        """Read-your-writes: wait (briefly) until the projector has folded ``position``."""
        deadline = time.monotonic() + self.read_your_writes_seconds
        while True:
            current = await asyncio.to_thread(self.database.projector.position)
            if current >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.05)

    @property
    def import_jobs(self) -> ImportJobs:
        """The job pool, made on first use when the app was built without one."""
        if self.jobs is None:
            self.jobs = ImportJobs(self.database.engine, self.database.store)
        return self.jobs

    # ------------------------------------------------------------------ sign-in form CSRF

    @property
    def signer(self) -> URLSafeTimedSerializer:
        if self._signer is None:
            configured = self.settings.api_secret_key
            secret = configured.get_secret_value() if configured else ""
            if not secret:
                log.warning(
                    "TRAINOPS_API_SECRET_KEY is not set: using a random one for this process "
                    "(sign-in forms opened before a restart must be reloaded)"
                )
                secret = secrets.token_urlsafe(32)
            self._signer = URLSafeTimedSerializer(secret, salt="trainops-login-csrf")
        return self._signer

    def login_csrf(self, nonce: str) -> str:
        return self.signer.dumps(nonce)

    def check_login_csrf(self, token: str, nonce: str, max_age: int = 3600) -> bool:
        try:
            value = self.signer.loads(token, max_age=max_age)
        except BadSignature:
            return False
        return bool(nonce) and secrets.compare_digest(str(value), nonce)


# ---------------------------------------------------------------------- who is asking

API_PREFIX = "/api/"
"""The JSON API's paths; every other path is a page (its errors are pages too)."""
SESSION_COOKIE = "trainops_session"
LOGIN_COOKIE = "trainops_login"
LANG_COOKIE = "trainops_lang"
CSRF_HEADER = "X-CSRF-Token"
CSRF_REFUSED = N_(
    "missing or wrong CSRF token: reload the page and try again "
    "(scripts send the X-CSRF-Token header, or use an API token)"
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def request_language(request: Request) -> str:
    """The reader's language: their choice (the cookie), else what the browser asks for."""
    return negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


bearer_scheme = HTTPBearer(
    auto_error=False,
    description="An API token from `trainops users token issue` or the account page.",
)
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="The browser session set by signing in; changes also need the "
    f"`{CSRF_HEADER}` header.",
)


@dataclass(frozen=True)
class Principal:
    user: User
    via: Literal["token", "session"]
    csrf_token: str | None = None

    @property
    def username(self) -> str:
        return self.user.username


def client_key(request: Request) -> str:
    """The key failed attempts from this address are counted under (sign-in, setup)."""
    return f"{ADDRESS}{request.client.host if request.client else ''}"


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def _bind_actor(request: Request, username: str) -> None:
    request.scope.setdefault("trainops", {})["actor"] = username
    structlog.contextvars.bind_contextvars(actor=username)


async def optional_principal(
    request: Request,
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal | None:
    """The signed-in user, if any. A bearer header wins over a cookie."""
    if bearer is not None:
        user = services.users.user_for_token(bearer.credentials)
        if user is None:
            return None
        _bind_actor(request, user.username)
        return Principal(user, "token")
    if cookie:
        session = services.users.session(cookie)
        if session is None:
            return None
        _bind_actor(request, session.user.username)
        return Principal(session.user, "session", session.csrf_token)
    return None


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


async def _check_csrf(request: Request, principal: Principal) -> None:
    if principal.via != "session" or request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
    expected = principal.csrf_token or ""
    if not sent or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, CSRF_REFUSED)


async def current_principal(request: Request, principal: OptionalPrincipal) -> Principal:
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            N_("sign in first: send `Authorization: Bearer <token>` or a session cookie"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    await _check_csrf(request, principal)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def refuse(reason: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, reason)


def require_role(principal: Principal, *roles: str, doing: str) -> None:
    """403 unless the user holds one of ``roles`` (the use cases' own rule)."""
    services_require_role(principal.user, *roles, doing=doing)
