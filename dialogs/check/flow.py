"""Running the post checker for a person: their profile, the organisation's own details, the posting state,
and an audit event that keeps a hash of the text, the verdict and the categories — never the text (3.4),
written with the verdict's reply when the inbox runs the check."""
from __future__ import annotations

from chat.errors import BadInput
from chat.inbox import with_replies
from chat.posting import posting_state
from chat.services import Services
from policy.checker import CheckResult, check_async
from storage.events import record_event

from .rules import account_named_in, own_contacts


async def run_check(svc: Services, *, text: str, actor: str | None, platform: str, channel: str | None = None,
                    profile: str | None = None, account: str | None = None, has_image: bool = False,
                    image_gps: tuple[float, float] | None = None) -> tuple[CheckResult, str]:
    """Check a draft; returns the result and the profile used. Writes one audit event without the text."""
    if not text.strip():
        raise BadInput("There's no text to check. Paste the draft after the command, "
                       "e.g. `/smpolicy check Join us at the library on Saturday`.")
    profile = profile or svc.config.profile_for(actor, channel)
    # ~20 ms of CPU with the learned layer: in the checker's worker thread, so the loop keeps acknowledging; the
    # posting state is read from the database meanwhile (the text's findings do not depend on it)
    state = posting_state(svc, account or account_named_in(svc.config, text))
    result = await check_async(text, profile=profile, has_image=has_image, own=own_contacts(svc.config),
                               state=state, image_gps=image_gps)
    at = svc.now()

    async def audit(session) -> None:
        await record_event(session, at=at, actor=actor or f"{platform}:unknown", subject_kind="check",
                           subject_id=result.text_hash[:16], action="checked", to_state=result.verdict,
                           details={"categories": result.categories, "profile": profile, "platform": platform,
                                    "text_sha256": result.text_hash, "has_image": has_image})

    # In the transaction that queues the verdict (no commit of its own on the way to the person), so a check
    # answered is audited once, even when a crash makes the work run again.
    await with_replies(svc, audit)
    return result, profile
