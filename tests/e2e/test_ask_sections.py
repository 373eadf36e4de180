"""`/smpolicy section <ref>` over the real HTTP path: a section in full, headings, long sections, bad refs."""
from __future__ import annotations

from policy.sections import get_section


def _reply(bot):
    return bot.slack.responses()[-1]


def _sections(reply) -> list[str]:
    return [b["text"]["text"] for b in reply.args["blocks"] if b.get("type") == "section"]


async def test_a_section_in_full_with_its_number_title_and_document(bot):
    await bot.slack_command("/smpolicy", "section 3.4")
    reply = _reply(bot)
    assert reply.args["response_type"] == "ephemeral"
    blocks = reply.args["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                                    "text": "3.4 Protecting people's personal data and information"}}
    body = "\n".join(_sections(reply))
    for sentence in get_section("3.4").text.split(". "):
        assert sentence.strip() in body
    assert "*What to do:* Never ask for or publish personal details" in body
    assert blocks[-1]["elements"][0]["text"] == "Social Media Policy 1.4 (May 2024), section 3.4."


async def test_references_as_people_type_them(bot):
    for typed, header in (("§2.7", "2.7 Facebook boosting/paid advertising"),
                          ("section 8.2 2.5", "8.2 2.5 Standards expected"),
                          ("8.2/4.2", "8.2 4.2 Photography at incidents"),
                          ("MG 5.4", "MG 5.4 Confidential Information"),
                          ("mg5.6", "MG 5.6 Electoral periods")):
        await bot.slack_command("/smpolicy", f"section {typed}")
        assert _reply(bot).args["blocks"][0]["text"]["text"] == header, typed
    assert "Social Media guidance for Members 2024 (2024), section MG 5.6." in _reply(bot).text()


async def test_a_heading_lists_its_sub_sections(bot):
    await bot.slack_command("/smpolicy", "section 2")
    text = _reply(bot).text()
    assert "This section is a heading; its sub-sections are:" in text
    assert "• `/smpolicy section 2.7` Facebook boosting/paid advertising" in text
    assert "• `/smpolicy section 2.11` Using social media for monitoring or surveillance" in text
    await bot.slack_command("/smpolicy", "section 8.2")
    assert "• `/smpolicy section 8.2 2` Responsibilities" in _reply(bot).text()


async def test_long_sections_are_split_across_blocks_at_paragraph_ends(bot):
    for ref in ("4.3", "8.3"):
        await bot.slack_command("/smpolicy", f"section {ref}")
        reply = _reply(bot)
        parts = _sections(reply)
        assert len(parts) >= 3 and len(reply.args["blocks"]) <= 50
        assert all(len(p) <= 3000 for p in parts)
        assert all(not p.startswith((" ", "\n")) for p in parts)
        joined = " ".join(" ".join(parts).split())
        assert " ".join(get_section(ref).text.replace("\n- ", "\n• ").split())[:2000] in joined


async def test_the_crisis_section_says_its_flow_chart_is_not_reproduced(bot):
    await bot.slack_command("/smpolicy", "section 4.3")
    text = _reply(bot).text()
    assert "The policy's flow chart for this process is not reproduced here" in text
    assert "`/crisis start`" in text


async def test_an_unknown_reference_explains_with_examples_and_the_contents(bot):
    await bot.slack_command("/smpolicy", "section 9.9")
    text = _reply(bot).text()
    assert "I can't find section “9.9”" in text
    assert "`/smpolicy section 3.4`" in text and "`/smpolicy section 8.2 2.5`" in text
    assert "`/smpolicy section MG 5.4`" in text and "`/smpolicy ask <your question>`" in text
    assert "4 Protecting our reputation" in text and "MG 5 Responsibilities of Members" in text
    await bot.slack_command("/smpolicy", "section boosting")
    assert "I can't find section “boosting”" in _reply(bot).text()


async def test_section_on_its_own_shows_the_contents(bot):
    await bot.slack_command("/smpolicy", "section")
    text = _reply(bot).text()
    assert "Which section? Here are the contents:" in text
    assert "*Social Media Policy:* 1 Introduction · 2 Responsibilities" in text


async def test_teams_section_uses_teams_commands(bot):
    await bot.teams_say("section 2.7")
    text = bot.teams.in_conversation("a:personal-29:staff")[-1].text()
    assert "2.7 Facebook boosting/paid advertising" in text
    assert "Boosting on Facebook involves promoting a post" in text
    assert "Use **boost**" in text and "/smpolicy" not in text
    await bot.teams_say("section 2")
    assert "• **section 2.7** Facebook boosting/paid advertising" in \
        bot.teams.in_conversation("a:personal-29:staff")[-1].text()
    await bot.teams_say("section 42")
    assert "I can't find section “42”" in bot.teams.in_conversation("a:personal-29:staff")[-1].text()
