"""The front door of /api/messages: who may call, with what token, naming which Bot Connector.

Checked in this order, each failure a short log line and a 4xx (never a traceback):
1. Teams off (no credentials, anonymous mode not asked for): 503 naming the variables to set.
2. Anonymous local mode: the caller must be on this machine (loopback, not forwarded by a proxy): else 403.
3. Authenticated mode: a Bot Framework bearer token. Tokens that cannot be genuine (no key id, not RS256,
   expired, for another audience) are refused here, without the network; the rest go to the SDK's validator.
   Anything the validator raises is a 401.
4. The body must be a JSON activity with a type and a conversation: else 400.
5. Its `serviceUrl` must be one the bot may send to (service_urls.py): else 403, and nothing is sent.
"""
from __future__ import annotations

import ipaddress
import json
import logging
import time

import jwt
from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration, ClaimsIdentity
from microsoft_agents.hosting.core.authorization.jwt import JwtTokenValidator

from .service_urls import ServiceUrlPolicy

log = logging.getLogger(__name__)

PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")
LEEWAY_SECONDS = 300  # the SDK's own clock-skew allowance


def teams_off_message(settings) -> str:
    return ("Teams is not connected to this bot yet: set " + ", ".join(settings.missing_for_teams())
            + " and restart it (or TEAMS_ANONYMOUS=1 for a local emulator on this machine only).")


def _refuse(status: int, reason: str, log_line: str) -> web.Response:
    log.warning("Teams request refused (%s): %s", status, log_line)
    return web.json_response({"error": reason}, status=status)


def _from_loopback(request: web.Request) -> bool:
    if any(h in request.headers for h in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address((request.remote or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def _bearer(request: web.Request) -> str | None:
    parts = (request.headers.get("Authorization") or "").split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    return parts[1]


def _implausible(token: str, app_id: str, now: float) -> str | None:
    """Why this token cannot be a genuine Bot Framework token, judged without its signature (None: it might)."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return "not a JWT"
    if header.get("alg") != "RS256":
        return "not signed with RS256"
    if not header.get("kid"):
        return "no key id"
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if app_id not in audiences:
        return "issued for another audience"
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or exp + LEEWAY_SECONDS < now:
        return "expired"
    return None


async def authenticate(request: web.Request, mode: str, config: AgentAuthConfiguration,
                       app_id: str) -> ClaimsIdentity | web.Response:
    validator = JwtTokenValidator(config)
    if mode == "anonymous":
        return validator.get_anonymous_claims()
    token = _bearer(request)
    if token is None:
        return _refuse(401, "A Bot Framework token is required.", "no bearer token")
    why = _implausible(token, app_id, time.time())
    if why:
        return _refuse(401, "Invalid token or authentication failed.", why)
    try:
        return await validator.validate_token(token)
    except Exception as exc:  # the SDK raises KeyError, ValueError, PyJWTError… for hostile tokens
        return _refuse(401, "Invalid token or authentication failed.", type(exc).__name__)


def _shape_problem(body) -> str | None:
    """The fields the SDK and our agent rely on, checked before the SDK's model (which logs a traceback-sized
    error for anything it cannot read)."""
    if not isinstance(body, dict):
        return "not an object"
    if not isinstance(body.get("type"), str) or not body["type"]:
        return "no type"
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str) or not conversation["id"]:
        return "no conversation id"
    if not isinstance(body.get("serviceUrl"), str):
        return "no serviceUrl"
    for key in ("from", "recipient", "channelData"):
        if key in body and body[key] is not None and not isinstance(body[key], dict):
            return f"{key} is not an object"
    return None


async def admit(request: web.Request, settings, config: AgentAuthConfiguration,
                policy: ServiceUrlPolicy) -> web.Response | None:
    """None when the request may go to the adapter (with request["claims_identity"] set); else the refusal."""
    mode = settings.teams_mode
    if mode == "off":
        return web.json_response({"error": teams_off_message(settings)}, status=503)
    if mode == "anonymous" and not _from_loopback(request):
        return _refuse(403, "This bot's Teams endpoint is in local mode and only accepts callers on its own "
                            "machine.", f"anonymous mode, caller {request.remote}")
    claims = await authenticate(request, mode, config, settings.teams_app_id or "")
    if isinstance(claims, web.Response):
        return claims
    try:
        body = json.loads(await request.read())
    except ValueError:
        return _refuse(400, "The body is not JSON.", "not JSON")
    problem = _shape_problem(body)
    if problem:
        return _refuse(400, "The body is not a Bot Framework activity.", problem)
    try:
        activity = Activity.model_validate(body)
    except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
        return _refuse(400, "The body is not a Bot Framework activity.", type(exc).__name__)
    if not policy.allows(activity.service_url):
        return _refuse(403, "The activity's serviceUrl is not a Bot Framework service this bot talks to.",
                       "serviceUrl not allowed")
    request["claims_identity"] = claims
    return None
