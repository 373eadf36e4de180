"""A person's own words (chat/quoting.py) placed into the bot's house mrkdwn: the same to the eye, and neither a
mention, a link nor formatting on Slack, on Teams or in an email."""
from __future__ import annotations

import json

from bot.slack.render import blocks
from bot.teams.render import card
from chat.messages import Fields, Header, Note, Text, message
from chat.plaintext import as_plain_text
from chat.quoting import inert

HOSTILE = "<!channel> <@U123> <!here> <https://evil.example|Approve here> [Approve](https://evil.example) *now* `x`"


def _rendered(typed: str) -> dict[str, str]:
    """What each platform is given for a message quoting `typed` in every kind of block."""
    said = inert(typed)
    msg = message(Header(f"About {said}"), Text(f"*Reason:* {said}"), Note(f"Note: {said}"),
                  Fields([("Reason", said)]), text=f"Declined: {said}")
    return {"slack": json.dumps({"text": msg.text, "blocks": blocks(msg)}, ensure_ascii=False),
            "teams": json.dumps(card(msg), ensure_ascii=False),
            "email": as_plain_text(msg)}


def test_no_mention_or_link_survives_on_any_platform():
    for platform, out in _rendered(HOSTILE).items():
        for bad in ("<!channel>", "<@U123>", "<!here>", "<https://", "|Approve here>", "](https://", "[Approve]"):
            assert bad not in out, (platform, bad, out)
        # Teams' renderer makes links of <url|label>; its Markdown of [label](url). Neither is formed.
        assert "[Approve here](" not in out, (platform, out)
    # Still readable: the words are there, with look-alike marks.
    assert "‹!channel› ‹@U123›" in inert(HOSTILE)
    assert "［Approve］(https://evil.example)" in inert(HOSTILE)
    assert "∗now∗" in inert(HOSTILE) and "ʹxʹ" in inert(HOSTILE)


def test_formatting_marks_in_their_words_do_not_format_the_message():
    out = _rendered("5* rating, sh*t service* and ~gone~")
    # The only bold on Teams is the bot's own label: their stars neither pair up nor pair with the bot's.
    assert out["teams"].count("**") == 2 and "**Reason:** 5∗ rating, sh∗t service∗" in out["teams"]
    assert "∼gone∼" in out["slack"] and "*" not in out["email"]


def test_ordinary_text_is_unchanged():
    for ordinary in ("jo_bloggs@suffolk.gov.uk", "@jo_bloggs", "O'Neill's café", "£150 & VAT", "Fish & Chips",
                     "Mon–Fri, 9am to 5pm (not bank holidays)", "#SuffolkHighways", "50% off | today", "a_b_c"):
        assert inert(ordinary) == ordinary, ordinary


def test_nothing_typed_is_empty():
    assert inert(None) == "" and inert("") == ""
