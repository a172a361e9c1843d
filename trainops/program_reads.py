"""The commands that only read: ``program show``, ``program list``, ``program trainees``,
``inbox``, ``notifications``, ``whoami``. Free of typer, so the quick path
(``trainops.quick``) answers them without importing it; ``trainops.program_cli`` declares
their options and calls these."""

from __future__ import annotations

from domain.listings import NOTIFICATION_FIELDS, PROGRAM_FIELDS, TASK_FIELDS, TRAINEE_FIELDS
from domain.notices import body_in
from trainops.api_client import api
from trainops.language import event, language, name, t
from trainops.program_requests import program_detail
from trainops.render import Output, console, errors, print_json, rows_table, show_rows, when

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (trainops.quick)
if TYPE_CHECKING:
    from typing import Any


def show(
    program_id: str, *, as_json: bool = False, utc: bool = False, before: int | None = None
) -> None:
    """A program's status and timeline, as you may see it; times in the program's zone."""
    detail = program_detail(program_id, before)
    if as_json:
        print_json(
            {
                "program": detail["program"],
                "plan": _plan(detail),
                "timeline": detail["timeline"],
                "timeline_older": detail.get("timeline_older"),
                "people_listed": detail.get("people_listed", True),
            }
        )
        return
    summary = detail["program"]
    if "on_time" in summary and not summary.get("executed"):  # not delivered yet: not late
        summary = {**summary, "on_time": "—"}
    rows_table(
        f"{summary['program_id']}: {summary['title']} - {t(str(summary['status']))}",
        [summary],
        ["specialist", "planned_date", "session_count", "enrolled", "attended", "on_time"],
    )
    zone = summary.get("timezone")
    plan = _plan(detail)
    if plan is not None:
        rows_table(
            t("plan"),
            [{**plan, **{k: plan[k] or "—" for k in ("department", "budget", "cost_per_trainee")}}],
            ["department", "budget", "approvers", "planned_trainees", "cost_per_trainee"],
        )
        sessions = [
            {**s, "starts": when(s["starts_at"], zone, utc=utc), "hours": s["duration_hours"]}
            for s in plan["sessions"]
        ]
        rows_table(t("planned sessions"), sessions, ["session_id", "starts", "hours"])
    entries = [
        {
            **entry,
            "when": when(entry["occurred_at"], zone, utc=utc),
            "summary": event(entry, zone, utc=utc),
        }
        for entry in detail["timeline"]
    ]
    rows_table(t("timeline"), entries, ["position", "when", "actor", "event_type", "summary"])
    if detail.get("timeline_older"):  # on stderr, as a page of people says where it goes on
        older = t(
            "older lines: ask again with --before {position}", position=detail["timeline_older"]
        )
        errors.print(older, markup=False)


def money(amount: object) -> str:
    """An amount with its two decimals, as the cost per trainee is shown ("" when none)."""
    if amount is None or amount == "":
        return ""
    from decimal import Decimal  # on use, as a listing as JSON needs none

    from domain.money import in_cents

    return in_cents(Decimal(str(amount)))


def _plan(detail: dict[str, Any]) -> dict[str, Any] | None:
    """The plan's money, people and sessions, when the reader may see them (None for a
    trainee: the API leaves them out of the state it gives them)."""
    state = detail.get("state") or {}
    if "budget" not in state:
        return None
    from decimal import Decimal

    from domain.money import in_cents

    trainees = len(state.get("trainees") or ())
    budget = Decimal(str(state["budget"] or 0))
    return {
        "department": state.get("department"),
        "budget": money(budget) if budget else None,
        "approvers": list(state.get("approvers") or ()),
        "planned_trainees": trainees,
        "cost_per_trainee": in_cents(budget / trainees) if trainees and budget else None,
        "sessions": sorted(
            (state.get("sessions") or {}).values(), key=lambda s: str(s.get("starts_at"))
        ),
    }


def list_programs(
    specialist: str | None = None, *, as_json: bool = False, output: Output | None = None
) -> None:
    """The programs you may see (or one specialist's)."""
    with api() as client:
        rows = client.get("/api/v1/programs", specialist=specialist)
    columns = ["program_id", "title", "specialist", "status", "planned_date", "enrolled"]
    show_rows(t("programs"), rows, columns, output=output, as_json=as_json, fields=PROGRAM_FIELDS)


#: The most people a page of ``trainees`` may ask for (the API's ``MAX_PEOPLE_PAGE``, which a
#: test holds this to: the command line imports nothing of the server's).
MAX_PAGE = 1000


def trainees(
    program_id: str,
    *,
    after: str | None = None,
    limit: int | None = None,
    as_json: bool = False,
    output: Output | None = None,
) -> None:
    """A program's people, a page at a time in the order of their ids, and what each did."""
    with api() as client:
        page = client.get(f"/api/v1/programs/{program_id}/trainees", after=after, limit=limit)
    rows = page["trainees"]
    title = t("people of {program}: {shown} of {total}", program=program_id, shown=len(rows),
              total=page["total"])  # fmt: skip
    columns = [
        "trainee",
        "planned",
        "enrolled",
        "attended",
        "surveyed",
        "examined",
        "score_pending",
    ]
    show_rows(
        title,
        rows,
        columns,
        output=output,
        as_json=as_json,
        data=page,
        empty=t("nobody on this page"),
        fields=TRAINEE_FIELDS,
    )
    if page.get("next_after"):  # on stderr: a script reading the page's rows reads only them
        more = t("more follow: ask again with --after {after}", after=page["next_after"])
        errors.print(more, markup=False)


def inbox(*, as_json: bool = False, utc: bool = False, output: Output | None = None) -> None:
    """Your approval tasks: assigned to you, offered to your groups, or delegated to you."""
    with api() as client:
        tasks = client.get("/api/v1/inbox")
    columns = ["task_id", "program_id", "title", "step_name", "specialist", "budget", "due"]
    if as_json or output not in (None, "table"):
        show_rows(
            t("your inbox"), tasks, columns, output=output, as_json=as_json, fields=TASK_FIELDS
        )
        return
    if not tasks:
        show_rows(t("your inbox"), [], columns, empty=t("no open tasks: your inbox is empty"))
        return
    for task in tasks:
        task["budget"] = money(task.get("budget")) or "—"  # as the cost per trainee: 1200.00
        due = when(task.get("due_at"), task.get("timezone"), utc=utc) if task.get("due_at") else ""
        overdue = t("OVERDUE (was {due})", due=due)
        task["due"] = overdue if task.get("overdue") else (due or t("no due date"))
        task["step_name"] = name(str(task.get("step_name", "")))
    rows_table(t("your inbox"), tasks, columns)


def notifications(
    recipient: str | None = None, *, as_json: bool = False, output: Output | None = None
) -> None:
    """Notifications in the outbox, newest first."""
    with api() as client:
        if as_json or output in ("json", "csv"):  # data, the same in every language: the
            client.headers["Accept-Language"] = "en"  # subjects as stored, not translated
        rows = client.get("/api/v1/notifications", recipient=recipient)
    columns = ["id", "created_at", "recipient", "subject", "body"]
    show_rows(
        t("notifications"),
        rows,
        columns,
        output=output,
        as_json=as_json,
        cells=lambda row: {  # the time labelled UTC; the text (a decision's reason) in yours
            **row,
            "created_at": when(row.get("created_at")),
            "body": body_in(str(row.get("body") or ""), language()),
        },
        fields=NOTIFICATION_FIELDS,
    )


def whoami(server: str | None = None, *, as_json: bool = False) -> None:
    """Who the command line acts as, on which server."""
    with api(server) as client:
        me = client.get("/api/v1/me")
    if as_json:
        print_json({**me, "server": client.server})
        return
    console.print(
        t(
            "{username} ({roles}) on {server}",
            username=me["username"],
            roles=", ".join(me["roles"]) or t("no roles"),
            server=client.server,
        ),
        markup=False,
    )
