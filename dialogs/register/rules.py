"""The accounts register's pure decisions: the platforms, who reviews an account, weekly keys."""
from __future__ import annotations

from datetime import timedelta

from chat.services import Services
from storage.models.accounts import SocialAccount

COMMS = ("comms_team", "head_of_comms")
REVIEW_EVERY = timedelta(days=365)
PASSWORD_TASK = "change_password"
# The platforms an account in the register can be on (the request form offers these).
PLATFORMS = (("facebook", "Facebook"), ("x", "X (Twitter)"), ("instagram", "Instagram"), ("linkedin", "LinkedIn"),
             ("youtube", "YouTube"), ("tiktok", "TikTok"), ("threads", "Threads"), ("other", "Another platform"))
ACCESS_PLATFORM = {"facebook", "x", "instagram", "linkedin"}   # what the single access platform supports (5.5)
TWOFA_EVERY = timedelta(days=365)          # two-factor confirmed yearly (5.6)
REMOVAL_REASONS = (("left", "They have left the organisation"), ("changed_job", "They have changed job"),
                   ("no_longer", "They no longer need access"))


def administrators_problem(found: list[str], missing: list[str], when_none: str) -> str | None:
    """What is wrong with the administrators picked in a form, if anything: someone without an email, or nobody."""
    if missing:
        return f"I couldn't find an email address for {', '.join(missing)}."
    return None if found else when_none


def iso_week(day) -> str:
    """`2026-W49`: the key for something sent once a week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def platform_match(scope: str, platform: str) -> bool:
    keys = {key: label.lower() for key, label in PLATFORMS}
    return platform.lower() in (scope, keys.get(scope, "\0")) or platform.lower().startswith(scope + " ")


def may_change_access(svc: Services, actor: str | None, acct: SocialAccount) -> bool:
    """Only the Communications Team or the account's owner changes who administers it (5.5)."""
    return bool(actor) and (actor == acct.owner or svc.config.has_role(actor, *COMMS))


def password_due(acct: SocialAccount, now, every: timedelta) -> bool:
    """5.5 "change the password regularly": accounts outside the single access platform, every `every`."""
    if acct.on_access_platform:
        return False
    return (acct.password_changed_at or acct.created_at) <= now - every


def twofa_due(acct: SocialAccount, now) -> bool:
    """5.6: confirmed yearly once the account is live (its onboarding checklist asks the first time)."""
    live_since = acct.onboarded_at or (acct.created_at if acct.registered_by else None)
    if live_since is None:
        return False
    return (acct.twofa_confirmed_at or live_since) <= now - TWOFA_EVERY or (
        acct.twofa_confirmed_at is None and acct.registered_by is not None)


def reviewer_of(svc: Services, acct: SocialAccount) -> str | None:
    return svc.config.manager_of(acct.owner) or acct.manager
