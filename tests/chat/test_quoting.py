"""A person's own words (chat/quoting.py) placed into the bot's house mrkdwn: the same to the eye, and neither a
mention, a link nor formatting on Slack, on Teams or in an email."""
from __future__ import annotations

import json

from bot.slack.render import blocks
from bot.teams.render import card
from chat.messages import Fields, Header, Note, Text, message
from chat.plaintext import as_plain_text
from chat.quoting import inert, link

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


def test_nothing_typed_is_empty_and_quoting_twice_is_quoting_once():
    assert inert(None) == "" and inert("") == "" and inert(5) == "5"
    assert inert(inert(HOSTILE)) == inert(HOSTILE)


def test_a_link_is_made_only_of_an_address_that_cannot_break_out_of_it():
    permalink = "https://suffolk.slack.com/archives/C1/p1700000000000100"
    assert link(permalink, "The message it started from") == f"<{permalink}|The message it started from>"
    for given in ("https://evil.example|Approve this post", "x> <!channel", "https://a.example/x)[Approve](https://b",
                  "javascript:alert(1)", "not a link"):
        made = link(given, "The message it started from")
        assert made.startswith("The message it started from: ") and made.endswith(inert(given)), made
        assert "<" not in made and "[" not in made, made   # neither Slack's link nor Teams' can form
