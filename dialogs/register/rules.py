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


def iso_week(day) -> str:
    """`2026-W49`: the key for something sent once a week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def platform_match(scope: str, platform: str) -> bool:
    keys = {key: label.lower() for key, label in PLATFORMS}
    return platform.lower() in (scope, keys.get(scope, "\0")) or platform.lower().startswith(scope + " ")


def reviewer_of(svc: Services, acct: SocialAccount) -> str | None:
    return svc.config.manager_of(acct.owner) or acct.manager
