"""The specialist's notice of a decision on their submission: who decided and what they wrote.

Apart from ``domain.notices`` because it reads the decided events (pydantic models): the
command line imports ``domain.notices`` to say a notice's body, and a read command starts
without pydantic building a model (its plugin loader imports the ``email`` package).
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.approval_events import ApprovalGranted, ApprovalRejected, ChangesRequested
from domain.notices import compose
from domain.program_events import ProgramApproved


def decision_notice(decided: Iterable[object], title: str) -> tuple[str, str, str] | None:
    """The specialist's notice when the events one decision recorded (``decided``) end or
    return their submission: its kind, subject and body, naming who decided and what they
    wrote (an approval's comment when there is one, a rejection's or a request's reason).
    None when the decision neither approves, rejects nor returns the program."""
    events = list(decided)
    granted = [event for event in events if isinstance(event, ApprovalGranted)]
    for event in events:
        if isinstance(event, ProgramApproved):
            if not granted:  # approved by no one's decision (no step applied)
                return ("program_approved", *compose("program_approved", title=title))
            last = granted[-1]
            comment = last.comment.strip()
            if comment:
                said = compose(
                    "program_approved.by_comment",
                    title=title,
                    approver=last.approver,
                    comment=comment,
                )
            else:
                said = compose("program_approved.by", title=title, approver=last.approver)
            return ("program_approved", *said)
        if isinstance(event, ApprovalRejected):
            said = compose(
                "program_rejected", title=title, approver=event.approver, reason=event.reason
            )
            return ("program_rejected", *said)
        if isinstance(event, ChangesRequested):
            said = compose(
                "changes_requested", title=title, approver=event.approver, reason=event.reason
            )
            return ("changes_requested", *said)
    return None
