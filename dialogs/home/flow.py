"""The Home tab for one person: what waits for their decision, their own requests and FOI cases, the crises
they are in, and the pause. Read-only: every button on it is another workflow's own (approval., foi.done)."""
from __future__ import annotations

from chat.messages import Button, Buttons, PersonRef
from chat.services import Services
from chat.wording import display_names, when
from chat.workdays import working_calendar
from dialogs.approvals import flow as approvals
from dialogs.approvals.rules import RequestKinds, people_in, steps_of
from dialogs.crisis.messages import account_names, room_label
from dialogs.foi import store as foi
from dialogs.foi.messages import case_line
from dialogs.foi.rules import standing
from dialogs.pause import flow as pause
from dialogs.signoff.messages import post_label

from . import messages, store


async def home_for(svc: Services, kinds: RequestKinds, person: PersonRef):
    email = await svc.directory.email_of(person)
    paused = await pause.status(svc, email, person.platform)
    if not email:
        return messages.home_message(pause=paused, waiting=[], mine=[], cases=[], crises=[], no_email=True)
    waiting = await _waiting(svc, kinds, email) + await _signoffs_waiting(svc, email)
    mine = await _my_signoffs(svc, email) + (await approvals.status_for(svc, kinds, email))[:store.MOST]
    return messages.home_message(pause=paused, waiting=waiting, mine=mine, cases=await _cases(svc, email),
                                 crises=await _crises(svc, email), no_email=False)


async def _waiting(svc: Services, kinds: RequestKinds, email: str) -> list[tuple[str, Buttons]]:
    out = []
    for req in await store.awaiting_decision(svc, kinds, email):
        wf, step = kinds.of(req), steps_of(req)[req.step]
        names = await display_names(svc, people_in(req))
        value = f"{req.id}:{req.step}"
        line = (f"*{wf.ref(req)}* {wf.title(req)}, from {names.get(req.requester, req.requester)}: "
                f"{step.title}, waiting since {when(svc, req.step_started_at)}")
        out.append((line, Buttons(Button(step.approve, "approval.approve", value, "primary"),
                                  Button("Reject", "approval.reject", value, "danger"),
                                  Button("Ask for more information", "approval.ask", value))))
    return out


async def _signoffs_waiting(svc: Services, email: str) -> list[tuple[str, Buttons]]:
    rows = await store.signoffs(svc, email, as_approver=True)
    names = await display_names(svc, {r.requester for r in rows})
    return [(f"*Sign-off* of {post_label(r.draft)}{f' on {r.account_name}' if r.account_name else ''}, from "
             f"{names.get(r.requester, r.requester)} (4.2): asked at {when(svc, r.created_at)}",
             Buttons(Button("Approve", "signoff.approve", str(r.id), "primary"),
                     Button("Decline", "signoff.decline", str(r.id), "danger"))) for r in rows]


async def _my_signoffs(svc: Services, email: str) -> list[str]:
    rows = await store.signoffs(svc, email, as_approver=False)
    names = await display_names(svc, {r.approver for r in rows})
    return [f"*Sign-off* of {post_label(r.draft)}: waiting for {names.get(r.approver, r.approver)} since "
            f"{when(svc, r.created_at)}" for r in rows]


async def _cases(svc: Services, email: str) -> list[tuple[str, Buttons]]:
    cases = (await foi.open_cases(svc, owner=email))[:store.MOST]
    if not cases:
        return []
    cal, today = await working_calendar(svc), svc.today()
    return [(case_line(case, standing(case.due, today, cal).words()),
             Buttons(Button("Done", "foi.done", case.reference, "primary"))) for case in cases]


async def _crises(svc: Services, email: str) -> list[str]:
    return [f"{room_label(c)} – {account_names(c)}, since {when(svc, c.started_at)}"
            for c in await store.crises_of(svc, email)]
