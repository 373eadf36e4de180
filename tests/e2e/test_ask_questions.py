"""`/smpolicy ask` over the real HTTP path: the right section first for questions worded as staff word them.

Every question here was written from the policy, in staff's words, and its expected section chosen before
it was run. They were not tuned against: those the engine answers wrongly are kept, in KNOWN_MISSES, with
what it gave, and reported to the search engine's owner (policy/search.py, policy/pack/synonyms.toml).
"""
from __future__ import annotations

import re

STAFF_QUESTIONS = [
    ("how do I get budget approval to boost our event post", "2.7"),
    ("can we run paid ads on facebook for the bus consultation", "2.7"),
    ("our partner organisation manages the page but I'm an admin on it", "2.6"),
    ("is there any training on using social media for work?", "2.8"),
    ("can I put a photo of the school children from the visit on our page?", "2.9"),
    ("do I need parents' consent to share a video of pupils?", "2.9"),
    ("is it fine to post pictures of kids at the summer fair", "2.9"),
    ("our facebook page has been hacked, what do I do?", "2.10"),
    ("can I look at a suspect's instagram during an investigation?", "2.11"),
    ("is it ok to create a fake account to watch a rogue trader?", "2.11"),
    ("can I ask someone for their phone number in a comment?", "3.4"),
    ("a resident posted their bank card details on our page", "3.4"),
    ("can I reply to a customer with their full address?", "3.4"),
    ("we're launching a behaviour change marketing campaign", "3.5"),
    ("am I allowed to check my own facebook during work hours?", "3.7"),
    ("do I have to reply to comments at the weekend?", "3.8"),
    ("I'm getting abusive messages from someone online", "3.9"),
    ("what should I think about before posting something?", "4.2"),
    ("people are angry about our post and it's all over the news", "4.3"),
    ("our account is in crisis, what do we do?", "4.3"),
    ("the Queen has died, what happens to our social media?", "4.4"),
    ("do we stop posting when a senior royal dies?", "4.4"),
    ("someone who had the password left, do we need to change it?", "5.5"),
    ("should I turn on two step verification?", "5.6"),
    ("when does the policy get reviewed?", "6.1"),
    ("does internal audit check our social media?", "6.2"),
    ("someone sent us a freedom of information request on Facebook", "8.1"),
    ("an FOI came in as a comment on our post", "8.1"),
    ("when can a fire station delete a comment?", "8.2/5.3"),
    ("what do managers have to do about their team's social media?", "2.2"),
    ("we want to promote a post to people in Ipswich only", "2.7"),
    ("can I share a photo of an adult without asking them?", "2.9"),
    ("is permission needed if the children can't be recognised in the photo?", "2.9"),
    ("do I need RIPA authorisation to monitor someone's profile?", "2.11"),
    ("should I use hashtags and abbreviations?", "3.1"),
    ("should I add my first name to tweets?", "3.3"),
    ("can I ask a customer to send their details by private message?", "3.4"),
    ("a customer wants to pay by giving their credit card number in a DM", "3.4"),
    ("can I use my personal account to reply on behalf of the council?", "3.7"),
    ("is it ok to post council stuff in the evening from home?", "3.8"),
    ("a colleague is being bullied online because of their job", "3.9"),
    ("should I report online threats to the police?", "3.9"),
    ("why does our reputation matter on social media?", "4.1"),
    ("should I get a manager to sign off a political post?", "4.2"),
    ("what is a listening response?", "4.3"),
    ("who should be in the crisis management group?", "4.3"),
    ("what is Operation Menai Bridge?", "4.4"),
    ("how long is the mourning pause?", "4.4"),
    ("how long does Orlo training take?", "5.4"),
    ("do we need to register our account login details with comms?", "5.5"),
    ("what laws cover our use of social media?", "6.4"),
    ("what is an equality impact assessment for this policy?", "6.3"),
    ("is there a glossary of social media terms?", "7"),
    ("someone asked for environmental information on Facebook", "8.1"),
    ("how many working days to respond to an FOI?", "8.1"),
    ("can firefighters share pictures of crashed cars?", "8.2/4.2"),
    ("a firefighter wants to post casualty numbers from an incident", "8.2/2.5"),
    ("can councillors use their phones during council meetings?", "MG 7"),
    # Were KNOWN_MISSES. They were the development set of the round that changed policy/pack/synonyms.toml, the
    # stemmer and the don't-know rule, so they no longer measure generalisation: tests/policy/test_search_heldout.py does.
    ("is it ok to pay facebook to push our post to more people?", "2.7"),
    ("we'd like to put some money behind a post about the recycling centre", "2.7"),
    ("I want to start an Instagram page for our library", "2.5"),
    ("who do I ask before opening a new TikTok account for the service?", "2.5"),
    ("I think someone has got into our twitter account", "2.10"),
    ("could I be disciplined for breaking the social media rules?", "2.10"),
    ("how friendly should our replies sound?", "3.2"),
    ("someone asked a question on our page and I'm not sure of the answer", "3.3"),
    ("can I mention my job at the council in my Twitter bio?", "3.7"),
    ("a troll keeps targeting me on our page", "3.9"),
    ("what does Orlo do for us?", "5.2"),
    ("how do I get our page onto the single access platform?", "5.4"),
    ("our YouTube channel can't go on Orlo, what do I do?", "5.5"),
    ("a member of the public asked for their personal data via Twitter DM", "8.1"),
    ("can I film at a house fire and post it?", "8.2/4.2"),
    ("who's in charge of the social media policy?", "2.1"),
    ("what if I accidentally post confidential information?", "2.10"),
    ("what is the single access platform?", "5.1"),
    ("which social networks does Orlo support?", "5.5"),
    ("where can I get the policy in another language?", "6.6"),
    ("I'm a councillor, can I share a photo someone else took?", "MG 5.2"),
    ("as a councillor can I be sued for something I tweet?", "MG 5.1"),
    ("I'm a councillor, can I share confidential committee papers?", "MG 5.4"),
]

# Reported, not hidden: the expected section, and (in the comment) what the engine put first when written.
KNOWN_MISSES = [
    ("does my manager need to authorise me to post on the team account?", "2.3"),   # gave 2.5 (before and after tuning)
]

OFF_TOPIC = [
    "what time does the canteen open",
    "how do I book annual leave",
    "where is the car park",
    "can you recommend a good pizza place",
    "how do I reset my laptop password",
    "when is the christmas party",
]

_CITED = re.compile(r"^\*((?:MG |8\.2 )?\d+(?:\.\d+)?) ", re.M)


def cited(text: str) -> list[str]:
    """Section ids quoted in an answer, in order, written as the pack writes them ("8.2/2.5", "MG 5.4")."""
    answer = text.split("What the policy says", 1)[1] if "What the policy says" in text else ""
    answer = answer.split("What to do:", 1)[0]
    return [c.replace("8.2 ", "8.2/") for c in _CITED.findall(answer.replace("**", "*"))]


async def slack_ask(bot, question: str, user: str = "USTAFF") -> str:
    await bot.slack_command("/smpolicy", f"ask {question}", user=user)
    return bot.slack.responses()[-1].text()


async def test_staff_questions_put_the_expected_section_first(bot):
    assert len(STAFF_QUESTIONS) >= 40
    wrong = []
    for question, expected in STAFF_QUESTIONS:
        text = await slack_ask(bot, question)
        got = cited(text)
        if not got or got[0] != expected:
            wrong.append((question, expected, got))
        elif not 1 <= len(got) <= 3:
            wrong.append((question, "one to three sections", got))
    assert wrong == []


async def test_known_misses_still_get_an_honest_answer(bot):
    """Each reply either quotes sections with their numbers or says "I don't know" and names the way to
    Communications; never an empty or dead-end reply (3.3)."""
    for question, _expected in KNOWN_MISSES:
        text = await slack_ask(bot, question)
        if "*I don't know.*" in text:
            assert "<#CCOMMS>" in text and "comms@example.gov.uk" in text, question
        else:
            assert cited(text), question
            assert "Not what you needed? Ask the Communications Team in <#CCOMMS> or by email" in text, question


async def test_the_issue_examples_quote_the_section_and_say_what_to_do(bot):
    text = await slack_ask(bot, "can I pay to promote a post?")
    assert cited(text)[0] == "2.7" and "`/smpolicy boost`" in text and "budget holder" in text
    text = await slack_ask(bot, "photo of children at an event")
    assert cited(text)[0] == "2.9" and "parental permission" in text
    text = await slack_ask(bot, "someone is harassing me online")
    assert cited(text)[0] == "3.9" and "Who to tell: your line manager or HR" in text
    text = await slack_ask(bot, "can I keep an eye on a suspect's Facebook?")
    assert cited(text)[0] == "2.11" and "RIPA" in text
    text = await slack_ask(bot, "I think our account was hacked")
    assert cited(text)[:2] == ["2.10", "5.6"] and "Information Security Incident report form" in text
    assert "Read it in full: `/smpolicy section 2.10`" in text


async def test_a_quote_is_brief_and_carries_its_number_and_title(bot):
    await bot.slack_command("/smpolicy", "ask can I ask a customer for their home address on Facebook?")
    reply = bot.slack.responses()[-1]
    assert reply.args["response_type"] == "ephemeral"
    quote = next(b["text"]["text"] for b in reply.args["blocks"]
                 if b.get("type") == "section" and b["text"]["text"].startswith("*3.4 "))
    assert quote.startswith("*3.4 Protecting people's personal data and information*\n“")
    assert len(quote) < 420


async def test_off_topic_questions_get_i_dont_know_and_how_to_reach_the_communications_team(bot):
    for question in OFF_TOPIC:
        text = await slack_ask(bot, question)
        assert "I don't know." in text, question
        assert "(3.3)" in text and "Please ask the Communications Team" in text
        assert "<#CCOMMS>" in text and "<mailto:comms@example.gov.uk|comms@example.gov.uk>" in text
        assert cited(text) == []


async def test_an_empty_question_gets_examples(bot):
    text = await slack_ask(bot, "")
    assert "What would you like to know?" in text and "`/smpolicy ask can I pay to promote a post?`" in text


async def test_teams_ask_answers_with_teams_commands(bot):
    await bot.teams_say("ask can I pay to promote a post?")
    text = bot.teams.in_conversation("a:personal-29:staff")[-1].text()
    assert cited(text)[0] == "2.7"
    assert "Use **boost**" in text and "/smpolicy" not in text
    for question, expected in STAFF_QUESTIONS[:12]:
        await bot.teams_say(f"ask {question}", user="29:other")
        assert cited(bot.teams.in_conversation("a:personal-29:other")[-1].text())[:1] == [expected], question


async def test_teams_dont_know_names_the_channel_and_the_address(bot):
    await bot.teams_say("ask what time does the canteen open")
    text = bot.teams.in_conversation("a:personal-29:staff")[-1].text()
    assert "I don't know." in text
    assert "in the Communications Team's channel or by email at comms@example.gov.uk" in text
