"""What the register says: how a message names an account, and the password task a leaver leaves behind."""
from __future__ import annotations

from chat.messages import Button, Buttons, Header, Message, Note, Text, message
from chat.quoting import inert
from chat.services import Services
from chat.wording import display_names, when
from storage.models.accounts import AccountTask, SocialAccount


def account_label(platform: str, name: str) -> str:
    """How every message names an account: Facebook “Suffolk Highways”. Both parts can be typed by people (its
    name, and "another platform"), so they are quoted inert."""
    return f"{inert(platform)} “{inert(name)}”"


async def task_message(svc: Services, task: AccountTask, lead: str | None = None) -> Message:
    async with svc.db.sessions() as s:
        acct = await s.get(SocialAccount, task.account_id)
    nm = await display_names(svc, [task.because_of, task.done_by])
    head = f"Change the password: {account_label(acct.platform, acct.name)}"
    if task.done_at:
        return message(Header(head), Text(f"✅ Done: {nm.get(task.done_by)} confirmed the password was changed "
                                          f"and the registered login updated at {when(svc, task.done_at)}."))
    blocks = [Header(head)]
    if lead:
        blocks.append(Text(lead))
    blocks += [Text(f"{nm[task.because_of]} no longer administers {account_label(acct.platform, acct.name)}. "
                    "Please change the password and update the login registered with the Communications Team "
                    "(5.5). Give them the new login directly, never in chat: I never ask for or keep passwords."),
               Buttons(Button("Done: password changed", "register.task_done", str(task.id), "primary")),
               Note("I'll remind you each working day until you press Done.")]
    return message(*blocks, text=head)
