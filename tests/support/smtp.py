"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and can be taken down or made to
refuse, to test that nothing is lost when mail fails.

    server = SmtpServer().start()       # or the `smtp_server` fixture
    ... BotHarness.start(url, clock, env=server.env())
    server.messages[-1].message["Subject"]
    server.go_down(); ...; server.come_back()    # connection refused meanwhile
    server.refuse_with(451); ...; server.refuse_with(None)
    server.slow_down(5)                 # each message accepted only after 5 s (a slow mail server)
    held = server.hold(); ...; held.set()   # each message accepted once the test lets it go (or after 5 s)
"""
from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


class _Handler:
    def __init__(self, server: "SmtpServer"):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if self.server.refuse_code:
            return f"{self.server.refuse_code} Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        held, until = self.server.held, asyncio.get_running_loop().time() + self.server.held_at_most
        while held is not None and not held.is_set() and asyncio.get_running_loop().time() < until:
            await asyncio.sleep(0.005)   # the server's loop runs in a thread of its own: look, not await
        msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.server.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int | None = None, login: tuple[str, str] | None = None):
        self.port = port or free_port()
        self.login = login   # (username, password): AUTH required, checked against these (plain, on loopback)
        self.messages: list[Received] = []
        self.refuse_code: int | None = None
        self.delay = 0.0
        self.held: threading.Event | None = None
        self.held_at_most = 0.0
        self._controller: Controller | None = None

    def env(self) -> dict:
        env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port)}
        if self.login:
            env.update(SMTP_USERNAME=self.login[0], SMTP_PASSWORD=self.login[1])
        return env

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        given = (auth_data.login.decode(), auth_data.password.decode()) if isinstance(auth_data, LoginPassword) else None
        return AuthResult(success=given == self.login)

    def start(self) -> "SmtpServer":
        auth = dict(authenticator=self._authenticate, auth_required=True, auth_require_tls=False) if self.login else {}
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **auth)
        self._controller.start()
        return self

    def go_down(self) -> None:
        """Stop listening: senders get "connection refused"."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def come_back(self) -> None:
        if self._controller is None:
            self.start()

    def refuse_with(self, code: int | None) -> None:
        """Answer every recipient with this code (451: try later), or accept again with None."""
        self.refuse_code = code

    def slow_down(self, seconds: float) -> None:
        """Accept each message only after `seconds` (0: at once again)."""
        self.delay = seconds

    def hold(self, at_most: float = 5.0) -> threading.Event:
        """Keep each message's DATA unanswered (a mail server still taking it) until the returned event is set,
        or for `at_most` seconds: as slow as the test needs without a fixed wait, and a bot that waits for the
        mail before answering is still answered, late, for the test to say so."""
        self.held, self.held_at_most = threading.Event(), at_most
        return self.held

    def stop(self) -> None:
        if self.held is not None:
            self.held.set()             # nothing left waiting in the server's thread
        self.go_down()

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()
