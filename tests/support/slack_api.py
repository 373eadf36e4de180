"""A loopback stand-in for Slack's Web API: records every call and answers as Slack does.

Also receives `response_url` posts (at /response/<id>) and file uploads, so tests can read exactly what a
person would have seen.
"""
from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from aiohttp import web


@dataclass
class Call:
    method: str
    args: dict

    def text(self) -> str:
        """Everything a person would read in the call: fallback text plus block text, flattened."""
        parts = [str(self.args.get("text") or "")]
        parts.extend(_block_texts(self.args.get("blocks")))
        view = self.args.get("view")
        if view:
            parts.extend(_block_texts(view.get("blocks")))
        return "\n".join(p for p in parts if p)


def _block_texts(blocks) -> list[str]:
    out: list[str] = []
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return [blocks]

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    out.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks or [])
    return out


@dataclass
class SlackStandIn:
    users: dict[str, dict] = field(default_factory=dict)        # user id -> {"email", "name"}
    uninvitable: dict[str, str] = field(default_factory=dict)   # user id -> Slack error on invite
    fail_methods: dict[str, str] = field(default_factory=dict)  # method -> error to answer with
    rate_limit_once: set[str] = field(default_factory=set)      # methods answering 429 once
    throttled: dict[str, list] = field(default_factory=dict)    # method (or "*") -> [429s left, Retry-After]
    held: dict[str, asyncio.Event] = field(default_factory=dict)  # method -> answered once the event is set
    channel_members: dict[str, list[str]] = field(default_factory=dict)  # channel -> members (else: everyone)
    calls: list[Call] = field(default_factory=list)
    base_url: str = ""

    def __post_init__(self):
        self._ts = itertools.count(1)
        self._channels = itertools.count(1)
        self.created_channels: dict[str, dict] = {}
        # Socket Mode: open websockets, envelopes acknowledged by the bot, connections made so far
        self.sockets: list[web.WebSocketResponse] = []
        # Set to an error code to make apps.connections.open fail as Slack does (ok false), e.g. during an outage
        self.socket_open_error: str | None = None
        self.socket_acks: list[dict] = []
        self.socket_connections = 0
        self.messages: dict[tuple[str, str], dict] = {}   # (channel, ts) -> message, for conversations.history
        self.posted: dict[str, list[dict]] = {}            # channel -> messages the bot posted, with metadata
        self.files: dict[str, bytes] = {}                  # name -> bytes, served at /files/<name>
        self.home_views: dict[str, dict] = {}              # user id -> the Home view last published for them

    # --- reading what happened ------------------------------------------------------------------------
    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def to(self, channel: str, method: str = "chat.postMessage") -> list[Call]:
        return [c for c in self.of(method) if c.args.get("channel") == channel]

    def responses(self) -> list[Call]:
        return self.of("response_url")

    def said_to(self, user_or_channel: str) -> str:
        """All text posted to a channel or user (DM), ephemeral or not, joined."""
        texts = [c.text() for c in self.calls if c.args.get("channel") == user_or_channel
                 or c.args.get("user") == user_or_channel and c.method == "chat.postEphemeral"]
        return "\n".join(texts)

    def clear(self) -> None:
        self.calls.clear()

    def throttle(self, method: str = "*", times: int = 1, retry_after: int = 5) -> None:
        """Answer `method` (every method with "*") with 429 and Retry-After the next `times` calls."""
        self.throttled[method] = [times, retry_after]

    def hold(self, method: str) -> asyncio.Event:
        """Keep calls to `method` waiting (a slow Slack) until the returned event is set."""
        self.held[method] = asyncio.Event()
        return self.held[method]

    def _throttled(self, method: str) -> int | None:
        for name in (method, "*"):
            left = self.throttled.get(name)
            if left and left[0] > 0:
                left[0] -= 1
                return left[1]
        return None

    # --- serving ----------------------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{rid}", self._response)
        app.router.add_post("/upload/{fid}", self._upload)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/files/{name}", self._file)
        return app

    def add_file(self, name: str, content: bytes, mimetype: str = "image/jpeg") -> dict:
        """Host a file as Slack does and return the file object a message carries."""
        self.files[name] = content
        return {"id": f"F{name}", "name": name, "mimetype": mimetype, "size": len(content),
                "url_private": f"{self.base_url}/files/{name}"}

    async def _file(self, request: web.Request) -> web.Response:
        self.calls.append(Call("file_download", {"name": request.match_info["name"],
                                                 "auth": request.headers.get("Authorization", "")}))
        content = self.files.get(request.match_info["name"])
        return web.Response(body=content) if content is not None else web.Response(status=404)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.socket_connections += 1
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "debug_info": {"host": "stand-in", "approximate_connection_time": 3600}})
        async for msg in ws:
            if msg.type == 1:  # text
                self.socket_acks.append(json.loads(msg.data))
        if ws in self.sockets:
            self.sockets.remove(ws)
        return ws

    async def socket_send(self, envelope: dict) -> None:
        """Deliver an envelope to the bot over its open Socket Mode connection."""
        await self.sockets[-1].send_json(envelope)

    async def drop_sockets(self) -> None:
        """Close every Socket Mode connection from Slack's side (the bot should reconnect)."""
        for ws in list(self.sockets):
            await ws.close()

    async def _args(self, request: web.Request) -> dict:
        raw = await request.read()
        ctype = request.headers.get("Content-Type", "")
        if "json" in ctype:
            args = json.loads(raw or b"{}")
        else:
            args = dict(parse_qsl(raw.decode()))
        for key in ("blocks", "view", "attachments"):
            if isinstance(args.get(key), str):
                try:
                    args[key] = json.loads(args[key])
                except ValueError:
                    pass
        args.update({k: v for k, v in request.query.items() if k not in args})
        return args

    async def _response(self, request: web.Request) -> web.Response:
        args = await self._args(request)
        self.calls.append(Call("response_url", {**args, "rid": request.match_info["rid"]}))
        return web.json_response({"ok": True})

    async def _upload(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.calls.append(Call("upload", {"file_id": request.match_info["fid"], "content": body}))
        return web.Response(text="OK - 1")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        if method in self.rate_limit_once:
            self.rate_limit_once.discard(method)
            self.calls.append(Call(method + ":429", args))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": "1"})
        wait = self._throttled(method)
        if wait is not None:
            self.calls.append(Call(method + ":429", args))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(wait)})
        if method in self.held:
            self.calls.append(Call(method + ":held", args))
            await self.held[method].wait()
        self.calls.append(Call(method, args))
        if method in self.fail_methods:
            return web.json_response({"ok": False, "error": self.fail_methods[method]})
        return web.json_response(self._answer(method, args))

    def _answer(self, method: str, a: dict) -> dict:
        ok = {"ok": True}
        if method == "apps.connections.open":
            if self.socket_open_error:
                return {"ok": False, "error": self.socket_open_error}
            return {**ok, "url": self.base_url.replace("http://", "ws://") + "/socket"}
        if method == "auth.test":
            return {**ok, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "team": "Council",
                    "url": "https://council.slack.com/"}
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            channel = a.get("channel", "")
            if channel.startswith("U"):
                channel = "D" + channel[1:]
            ts = a.get("ts") or f"{1700000000 + next(self._ts)}.000100"
            if method == "chat.postMessage":
                metadata = a.get("metadata")
                if isinstance(metadata, str):
                    metadata = json.loads(metadata)
                self.posted.setdefault(channel, []).insert(0, {"type": "message", "ts": ts, "text": a.get("text"),
                                                               "metadata": metadata})
            return {**ok, "channel": channel, "ts": ts, "message_ts": ts}
        if method == "conversations.history":
            if a.get("latest"):   # one message, as the bot asks for a checked message
                found = self.messages.get((a.get("channel"), a.get("latest")))
                return {**ok, "messages": [found] if found else [], "has_more": False}
            with_meta = str(a.get("include_all_metadata")).lower() in ("1", "true")
            found = [m if with_meta else {k: v for k, v in m.items() if k != "metadata"}
                     for m in self.posted.get(a.get("channel"), [])]
            return {**ok, "messages": found, "has_more": False}
        if method == "conversations.members":
            channel = a.get("channel", "")
            members = self.channel_members.get(channel, list(self.users))
            start = int(a.get("cursor") or 0)
            size = max(1, min(int(a.get("limit") or 100), 1000))
            page = members[start:start + size]
            nxt = str(start + size) if start + size < len(members) else ""
            return {**ok, "members": page, "response_metadata": {"next_cursor": nxt}}
        if method == "conversations.replies":
            return {**ok, "messages": [], "has_more": False}
        if method == "chat.getPermalink":
            return {**ok, "permalink": f"https://council.slack.com/archives/{a.get('channel')}/p{a.get('message_ts')}"}
        if method == "users.info":
            user = self.users.get(a.get("user", ""))
            if not user:
                return {"ok": False, "error": "user_not_found"}
            return {**ok, "user": {"id": a["user"], "name": user["name"], "real_name": user["name"],
                                   "profile": {"email": user["email"], "real_name": user["name"]}}}
        if method == "users.lookupByEmail":
            for uid, user in self.users.items():
                if user["email"].lower() == str(a.get("email", "")).lower():
                    return {**ok, "user": {"id": uid, "name": user["name"], "profile": {"email": user["email"]}}}
            return {"ok": False, "error": "users_not_found"}
        if method == "conversations.create":
            cid = f"CNEW{next(self._channels)}"
            self.created_channels[cid] = {"name": a.get("name"), "is_private": a.get("is_private")}
            return {**ok, "channel": {"id": cid, "name": a.get("name"), "is_private": True}}
        if method == "conversations.invite":
            users = [u for u in str(a.get("users", "")).split(",") if u]
            bad = [u for u in users if u in self.uninvitable]
            if bad:
                return {"ok": False, "error": self.uninvitable[bad[0]],
                        "errors": [{"user": u, "ok": False, "error": self.uninvitable[u]} for u in bad]}
            return {**ok, "channel": {"id": a.get("channel")}}
        if method == "conversations.open":
            return {**ok, "channel": {"id": "D" + str(a.get("users", "X")).split(",")[0][1:]}}
        if method == "views.publish":   # as Slack checks it: a user, and a Home view of at most 100 blocks
            view = a.get("view")
            if not a.get("user_id") or not isinstance(view, dict):
                return {"ok": False, "error": "invalid_arguments"}
            if view.get("type") != "home":
                return {"ok": False, "error": "invalid_arguments",
                        "response_metadata": {"messages": ["[ERROR] must be home [json-pointer:/view/type]"]}}
            if len(view.get("blocks") or []) > 100:
                return {"ok": False, "error": "invalid_blocks"}
            if a["user_id"] not in self.users:
                return {"ok": False, "error": "user_not_found"}
            self.home_views[a["user_id"]] = view
            return {**ok, "view": {"id": f"VHOME{a['user_id']}", "type": "home", **view}}
        if method == "views.open" or method == "views.update" or method == "views.push":
            view = a.get("view") or {}
            if isinstance(view, str):
                view = json.loads(view)
            if any(len(str((b.get("element") or {}).get("initial_value") or "")) > 3000
                   for b in view.get("blocks", [])):
                return {"ok": False, "error": "invalid_arguments"}   # Slack: initial_value is at most 3,000
            return {**ok, "view": {"id": "V1", **view}}
        if method == "files.getUploadURLExternal":
            fid = f"F{next(self._ts)}"
            return {**ok, "upload_url": f"{self.base_url}/upload/{fid}", "file_id": fid}
        if method == "files.completeUploadExternal":
            files = a.get("files")
            if isinstance(files, str):
                files = json.loads(files)
            return {**ok, "files": [{"id": f["id"], "title": f.get("title")} for f in files or []]}
        return ok
