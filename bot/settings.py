"""Settings from the environment (and a `.env` file beside the app).

Secrets live here only; nothing in this module logs them. `Settings.describe()` is what start-up logs and it
names which variables are set, never their values.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./smpolicy.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None


def _flag(name: str) -> bool:
    raw = (os.environ.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SystemExit(f"{name} must be 1 or 0, not {raw!r}")


def _choice(name: str, default: str, allowed: tuple[str, ...], upper: bool = False) -> str:
    raw = (os.environ.get(name) or "").strip() or default
    raw = raw.upper() if upper else raw.lower()
    if raw not in allowed:
        raise SystemExit(f"{name} must be one of {', '.join(allowed)}, not {raw!r}")
    return raw


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Settings:
    port: int = 3978
    database_url: str = DEFAULT_DATABASE_URL
    db_connect_attempts: int = 6  # PostgreSQL refusing connections at start-up is retried this many times
    config_path: str | None = None
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    teams_app_id: str | None = None
    teams_app_password: str | None = field(default=None, repr=False)
    teams_tenant_id: str | None = None
    teams_anonymous: bool = False  # TEAMS_ANONYMOUS=1: a local emulator on loopback, no tokens
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_from: str = "smpolicy-bot@localhost"
    metrics_token: str | None = field(default=None, repr=False)  # bearer token for /metrics
    metrics_public: bool = False   # METRICS_PUBLIC=1: /metrics without a token (a private scraper network)
    log_level: str = "INFO"            # LOG_LEVEL: the bot's own loggers
    log_format: str = "text"           # LOG_FORMAT: text, or json (one object a line)
    log_library_level: str = "WARNING"  # LOG_LIBRARY_LEVEL: the scheduler's, the SDKs', aiohttp's loggers
    log_access: bool = False           # LOG_ACCESS=1: aiohttp's access line for every request, at INFO

    @property
    def slack_mode(self) -> str:
        """http, socket or off: Socket Mode when an app-level token is given (behind a firewall)."""
        if not self.slack_bot_token:
            return "off"
        if self.slack_app_token:
            return "socket"
        return "http" if self.slack_signing_secret else "off"

    @property
    def teams_mode(self) -> str:
        """authenticated, anonymous (asked for explicitly, loopback only) or off."""
        if self.teams_app_id:
            return "authenticated"
        return "anonymous" if self.teams_anonymous else "off"

    def missing_for_teams(self) -> list[str]:
        if self.teams_app_id:
            return []
        return ["TEAMS_APP_ID", "TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID"]

    def missing_for_slack(self) -> list[str]:
        missing = [] if self.slack_bot_token else ["SLACK_BOT_TOKEN"]
        if not self.slack_app_token and not self.slack_signing_secret:
            missing.append("SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)")
        return missing


# The README's promise: a `.env` beside app.py, wherever the bot is started from.
DEFAULT_ENV_FILE = Path(__file__).resolve().parent.parent / ".env"


def load_settings(env_file: str | Path | None = DEFAULT_ENV_FILE) -> Settings:
    """Read settings; a `.env` never overrides a variable already set in the environment."""
    if env_file and Path(env_file).is_file():
        load_dotenv(env_file, override=False)
    e = os.environ.get
    api_url = e("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not api_url.endswith("/"):
        api_url += "/"
    return Settings(
        port=_int("PORT", 3978),
        database_url=e("DATABASE_URL") or DEFAULT_DATABASE_URL,
        db_connect_attempts=max(1, _int("SMPOLICY_DB_CONNECT_ATTEMPTS", 6)),
        config_path=e("SMPOLICY_CONFIG") or None,
        slack_bot_token=e("SLACK_BOT_TOKEN") or None,
        slack_signing_secret=e("SLACK_SIGNING_SECRET") or None,
        slack_app_token=e("SLACK_APP_TOKEN") or None,
        slack_api_url=api_url,
        teams_app_id=e("TEAMS_APP_ID") or None,
        teams_app_password=e("TEAMS_APP_PASSWORD") or None,
        teams_tenant_id=e("TEAMS_TENANT_ID") or None,
        teams_anonymous=_flag("TEAMS_ANONYMOUS"),
        smtp_host=e("SMTP_HOST") or None,
        smtp_port=_int("SMTP_PORT", 25),
        smtp_starttls=(e("SMTP_STARTTLS") or "").lower() in ("1", "true", "yes"),
        smtp_username=e("SMTP_USERNAME") or None,
        smtp_password=e("SMTP_PASSWORD") or None,
        smtp_from=e("SMTP_FROM") or "smpolicy-bot@localhost",
        metrics_token=e("METRICS_TOKEN") or None,
        metrics_public=_flag("METRICS_PUBLIC"),
        log_level=_choice("LOG_LEVEL", "INFO", LOG_LEVELS, upper=True),
        log_format=_choice("LOG_FORMAT", "text", ("text", "json")),
        log_library_level=_choice("LOG_LIBRARY_LEVEL", "WARNING", LOG_LEVELS, upper=True),
        log_access=_flag("LOG_ACCESS"),
    )
