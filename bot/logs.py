"""Logging for the server: LOG_LEVEL, LOG_FORMAT (text or json), quiet libraries, and secrets never written.

`configure(settings)` replaces the root logger's handlers with one on stderr. With LOG_FORMAT=json every line is
one JSON object: time (UTC), level, logger, message, request_id, workflow and reference (chat/logcontext.py;
null where unknown) and, for an error, the exception. The libraries' loggers (the scheduler's start-up chatter,
the SDKs' request dumps, aiohttp's access lines) are held at LOG_LIBRARY_LEVEL (WARNING) whatever LOG_LEVEL is;
LOG_ACCESS=1 turns the access lines on at INFO.

The last line of defence is `Redactor`, a filter on the handler: every record, ours or a library's, has each
configured secret (the Slack tokens and signing secret, the Teams app password, the SMTP password, the metrics
token, a database password) and anything shaped like a Slack token or a bearer token replaced by [redacted],
in the message, its arguments and any traceback. What people type is kept out of logs by the code that logs
(ids and counts only), which tests/e2e/test_log_privacy.py holds over real requests.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import datetime, timezone
from urllib.parse import urlsplit

from aiohttp import web

from chat import logcontext

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FORMATS = ("text", "json")
# Loggers of the libraries the bot runs on: their INFO and DEBUG lines are noise (26 of 43 start-up lines were
# APScheduler's) or dump whole requests (the Slack and Teams SDKs at DEBUG).
LIBRARIES = ("apscheduler", "aiohttp", "slack_bolt", "slack_sdk", "microsoft_agents", "msal", "azure", "urllib3",
             "asyncio", "sqlalchemy", "aiosqlite", "asyncpg", "alembic", "filelock", "PIL", "tzlocal")
SECRET_SETTINGS = ("slack_bot_token", "slack_signing_secret", "slack_app_token", "teams_app_password",
                   "smtp_password", "metrics_token")
REDACTED = "[redacted]"
# Shapes of secrets whatever their value: Slack tokens, bearer tokens, a password inside a URL.
_SHAPES = (
    (re.compile(r"\bx(?:ox[abeoprs]|app)-[A-Za-z0-9-]{6,}"), REDACTED),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\1" + REDACTED),
    (re.compile(r"(://[^:/@\s]+:)[^@\s/]+@"), r"\1" + REDACTED + "@"),
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def secrets_of(settings) -> list[str]:
    """The configured secret values (at least 4 characters, so a stray "1" is not hunted through every line)."""
    found = [getattr(settings, name, None) for name in SECRET_SETTINGS]
    password = urlsplit(getattr(settings, "database_url", "") or "").password
    found.append(password)
    return sorted({s for s in found if s and len(s) >= 4}, key=len, reverse=True)


class Redactor(logging.Filter):
    """Replaces secrets in a record before any formatter sees it (attached to the handler, so library records
    that propagate to the root are covered too)."""

    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = secrets

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        for pattern, replacement in _SHAPES:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log what there is rather than nothing
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class LibraryLevel(logging.Filter):
    """Holds the libraries' records at their own level: some (Bolt's app logger) set a level of their own when
    they are created, so setting the level on their parent logger is not enough."""

    def __init__(self, level: str, access: bool):
        super().__init__()
        self.level = logging.getLevelName(level)
        self.access = access

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "aiohttp.access":
            return self.access or record.levelno >= self.level
        top = record.name.split(".", 1)[0]
        return top not in LIBRARIES or record.levelno >= self.level


class Context(logging.Filter):
    """Puts the request id, workflow and reference on the record (the text format shows them too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = logcontext.request_id.get()
        record.workflow = logcontext.workflow.get()
        record.reference = logcontext.reference.get()
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "workflow": getattr(record, "workflow", None),
            "reference": getattr(record, "reference", None),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


class Text(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s%(where)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        parts = [getattr(record, k, None) for k in ("request_id", "workflow", "reference")]
        record.where = " [" + " ".join(p for p in parts if p) + "]" if any(parts) else ""
        return super().format(record)


def configure(settings, stream=None) -> logging.Handler:
    """Set up the root logger from the settings; returns the handler (tests read what it wrote)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(LibraryLevel(settings.log_library_level, settings.log_access))
    handler.addFilter(Context())
    handler.addFilter(Redactor(secrets_of(settings)))
    handler.setFormatter(JsonLines() if settings.log_format == "json" else Text())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(settings.log_library_level)
    logging.getLogger("aiohttp.access").setLevel("INFO" if settings.log_access else settings.log_library_level)
    logging.captureWarnings(True)
    return handler


@web.middleware
async def request_context(request: web.Request, handler):
    """Every HTTP request gets an id for its log lines (a proxy's X-Request-Id when it is a plain token),
    echoed back in the response so an operator can find the lines for a request."""
    given = request.headers.get("X-Request-Id", "")
    rid = given if _REQUEST_ID.match(given) else uuid.uuid4().hex[:12]
    logcontext.start(rid)
    response = await handler(request)
    if not response.prepared:
        response.headers["X-Request-Id"] = rid
    return response
