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

    def __post_init__(self):
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        @web.middleware
        async def record(request, handler):
            self.requests.append(f"{request.method} {request.path}")
            return await handler(request)

        app = web.Application(middlewares=[record])
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", self._member)
        return app

    def in_conversation(self, conversation: str) -> list[Sent]:
        return [s for s in self.sent if s.conversation == conversation]

    def clear(self) -> None:
        self.sent.clear()
        self.created.clear()
        self.requests.clear()

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.created.append(body)
        cid = f"a:new-{next(self._ids)}"
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
        member = self.members.get(uid)
        if not member:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response({"id": uid, "name": member["name"], "email": member["email"],
                                  "userPrincipalName": member["email"], "aadObjectId": member.get("aad", uid)})
