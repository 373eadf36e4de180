"""bot/mailer.py against a real SMTP server on loopback: plain send, login, and failures as safe reasons."""
from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from chat.mail import Email, MailError
from bot.mailer import Mailer
from bot.settings import Settings
from tests.support.smtp import free_port

MAIL = Email(to=("foi@example.gov.uk",), cc=("comms@example.gov.uk",), subject="[FOI-2026-0001] test",
             body="The question.", reply_to="staff@example.gov.uk", message_id="<FOI-2026-0001.1@example.gov.uk>")


def test_no_smtp_host_means_no_mailer():
    assert Mailer.from_settings(Settings()) is None
    mailer = Mailer.from_settings(Settings(smtp_host="127.0.0.1", smtp_port=2525, smtp_from="bot@example.gov.uk"))
    assert (mailer.host, mailer.port, mailer.sender) == ("127.0.0.1", 2525, "bot@example.gov.uk")
    assert "secret" not in repr(Mailer("h", password="secret"))


async def test_send_reaches_the_server_with_headers(smtp_server):
    await Mailer("127.0.0.1", smtp_server.port, sender="bot@example.gov.uk").send(MAIL)
    (got,) = smtp_server.messages
    assert sorted(got.rcpt_tos) == ["comms@example.gov.uk", "foi@example.gov.uk"]
    assert got.message["Reply-To"] == "staff@example.gov.uk"
    assert got.message["Message-ID"] == "<FOI-2026-0001.1@example.gov.uk>"
    assert got.body.strip() == "The question."


async def test_server_down_is_a_safe_reason():
    with pytest.raises(MailError) as err:
        await Mailer("127.0.0.1", free_port(), timeout=2).send(MAIL)
    assert "could not be reached" in err.value.reason and "foi@" not in err.value.reason


async def test_refused_recipients_give_the_code_not_the_address(smtp_server):
    smtp_server.refuse_with(550)
    with pytest.raises(MailError) as err:
        await Mailer("127.0.0.1", smtp_server.port).send(MAIL)
    assert "550" in err.value.reason and "@" not in err.value.reason and not err.value.temporary


class _Accept:
    def __init__(self):
        self.got = []

    async def handle_DATA(self, server, session, envelope):
        self.got.append(envelope)
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"bot" and auth_data.password == b"right"
    return AuthResult(success=ok, handled=False)


async def test_login_works_and_a_wrong_password_is_not_retried_silently():
    handler, port = _Accept(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=_authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        await Mailer("127.0.0.1", port, username="bot", password="right").send(MAIL)
        assert len(handler.got) == 1
        with pytest.raises(MailError) as err:
            await Mailer("127.0.0.1", port, username="bot", password="wrong").send(MAIL)
        assert "SMTP_USERNAME/SMTP_PASSWORD" in err.value.reason and "wrong" not in err.value.reason
    finally:
        controller.stop()
