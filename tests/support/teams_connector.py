"""A loopback stand-in for the Teams Bot Connector service (the activity's serviceUrl points here)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Sent:
    method: str
    conversation: str
    activity: dict

    def text(self) -> str:
        """What a person would read: the text plus every TextBlock/FactSet value in the cards."""
        parts = [self.activity.get("text") or ""]

        def walk(node):
            if isinstance(node, dict):
                for key in ("text", "title", "value"):
                    if isinstance(node.get(key), str):
                        parts.append(node[key])
                for value in node.values():
                    if isinstance(value, (dict, list)):
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.activity.get("attachments") or [])
        return "\n".join(p for p in parts if p)


@dataclass
class TeamsStandIn:
    members: dict[str, dict] = field(default_factory=dict)   # user id ("29:...") -> {"email", "name"}
    sent: list[Sent] = field(default_factory=list)
    created: list[dict] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)   # every "METHOD /path" the bot made, roster reads too
    # Who a 1:1 chat cannot be started with, as the connector answers 403 (outside the tenant, app blocked...).
    unreachable: set[str] = field(default_factory=set)
    page_size: int = 3   # members per roster page, small so paging is exercised
    # Sends and thread starts answered 429 with this Retry-After (seconds), as many times as `throttled` says:
    # the Bot Connector's throttling answer (an error body and the header), which the Agents SDK never retries.
    throttled: int = 0
    retry_after: int = 5

    def __post_init__(self):
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        @web.middleware
        async def record(request, handler):
            self.requests.append(f"{request.method} {request.path}")
            return await handler(request)

        @web.middleware
        async def throttle(request, handler):
            if self.throttled and request.method in ("POST", "PUT"):
                self.throttled -= 1
                self.requests.append(f"429 {request.path}")
                return web.json_response({"error": {"code": "TooManyRequests", "message": "Too many requests"}},
                                         status=429, headers={"Retry-After": str(self.retry_after)})
            return await handler(request)

        app = web.Application(middlewares=[record, throttle])
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", self._member)
        # The Teams client asks for pagedMembers, the generic connector client for pagedmembers: both exist.
        app.router.add_get("/v3/conversations/{cid}/pagedMembers", self._paged_members)
        app.router.add_get("/v3/conversations/{cid}/pagedmembers", self._paged_members)
        return app

    def in_conversation(self, conversation: str) -> list[Sent]:
        return [s for s in self.sent if s.conversation == conversation]

    def clear(self) -> None:
        self.sent.clear()
        self.created.clear()
        self.requests.clear()

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        if not body.get("isGroup"):
            # A 1:1 chat only with someone the bot may reach: a member of the tenant the app is allowed for.
            for member in body.get("members") or []:
                if member.get("id") not in self.members or member.get("id") in self.unreachable:
                    return web.json_response({"error": {"code": "Forbidden",
                                                        "message": "The bot cannot start a chat with this user"}},
                                             status=403)
        self.created.append(body)
        members = body.get("members") or []
        # A 1:1 chat is the person's one personal chat with the bot, whoever starts it (as Teams answers); a new
        # thread in a channel is the channel's id with the thread's first message.
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        cid = f"a:personal-{members[0]['id']}" if not body.get("isGroup") and len(members) == 1 \
            else f"{channel};messageid={next(self._ids)}" if channel \
            else f"a:new-{next(self._ids)}"
        if body.get("activity"):
            self.sent.append(Sent("create", cid, body["activity"]))
        return web.json_response({"id": cid, "activityId": f"act-{next(self._ids)}"})

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.sent.append(Sent("send", request.match_info["cid"], body))
        return web.json_response({"id": f"act-{next(self._ids)}"})

    async def _update(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.sent.append(Sent("update", request.match_info["cid"], {**body, "id": request.match_info["aid"]}))
        return web.json_response({"id": request.match_info["aid"]})

    async def _member(self, request: web.Request) -> web.Response:
        uid = request.match_info["uid"]
        # Teams accepts a member's Azure AD object id in place of their Teams id.
        uid = next((k for k, m in self.members.items() if m.get("aad") == uid), uid)
        member = self.members.get(uid)
        if not member:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response({"id": uid, "name": member["name"], "email": member["email"],
                                  "userPrincipalName": member["email"], "aadObjectId": member.get("aad", uid)})

    async def _paged_members(self, request: web.Request) -> web.Response:
        """The roster a page at a time, with an opaque continuation token, as the Bot Connector serves it."""
        ids = sorted(self.members)
        token = request.query.get("continuationToken") or ""
        start = int(token.removeprefix("page-")) if token.startswith("page-") else 0
        size = min(int(request.query.get("pageSize") or self.page_size), self.page_size)
        page = ids[start:start + size]
        body = {"members": [{"id": uid, "name": self.members[uid]["name"], "email": self.members[uid]["email"],
                             "userPrincipalName": self.members[uid]["email"],
                             "aadObjectId": self.members[uid].get("aad", uid), "tenantId": "tenant-1"}
                            for uid in page]}
        if start + size < len(ids):
            body["continuationToken"] = f"page-{start + size}"
        return web.json_response(body)
