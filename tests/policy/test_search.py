"""/smpolicy ask: the right section first for questions worded as staff word them.

The questions were written from the policy, as staff would ask them, before the ranking was
tuned; tuning changed policy/pack/synonyms.toml and the weights, never a question.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policy.sections import PACK_DIR, PackError, get_section, load_sections
from policy.search import SNIPPET_CHARS, TAIL_RATIO, Answer, PolicySearch, ask, engine
from policy.search_pack import load_commands
from policy.text_normalise import one_slip, stem, terms

STAFF_QUESTIONS = [
    # 2 Responsibilities
    ("can I pay to promote a post?", "2.7"),
    ("we want to run a Facebook advert for our consultation", "2.7"),
    ("how do I set up a new Twitter account for my team?", "2.5"),
    ("who owns the social media policy?", "2.1"),
    ("what are managers responsible for?", "2.2"),
    ("do I need my manager's authorisation before I run an account?", "2.3"),
    ("our partner charity runs the page, does the policy apply?", "2.6"),
    ("where can I get social media training?", "2.8"),
    ("photo of children at an event", "2.9"),
    ("kids in a video", "2.9"),
    ("video of pupils at a school sports day", "2.9"),
    ("do I need permission to post a picture of an adult?", "2.9"),
    ("I think our account was hacked", "2.10"),
    ("what happens if I break the policy?", "2.10"),
    ("can I keep an eye on a suspect's Facebook?", "2.11"),
    ("can I use a fake profile to investigate a rogue trader?", "2.11"),
    ("can trading standards watch a seller's profile for an investigation", "2.11"),
    # 3 Behaviours
    ("what tone should I use in replies?", "3.2"),
    ("a resident asked me something and I don't know the answer", "3.3"),
    ("can I ask a customer for their home address on Facebook?", "3.4"),
    ("a resident wants to give us their card details over Messenger", "3.4"),
    ("we're planning a big digital marketing campaign", "3.5"),
    ("can I go on Facebook at work on my lunch break?", "3.7"),
    ("can I say I work for the council on my personal profile?", "3.7"),
    ("do I have to answer messages in the evening or at weekends?", "3.8"),
    ("someone is harassing me online", "3.9"),
    ("being trolled by a member of the public", "3.9"),
    ("someone keeps bullying a colleague on our page", "3.9"),
    # 4 Reputation
    ("what should I check before I post?", "4.2"),
    ("our post has gone viral for the wrong reasons", "4.3"),
    ("there's a backlash on our page, what do we do?", "4.3"),
    ("the King has died, should we stop posting?", "4.4"),
    ("what is Operation London Bridge?", "4.4"),
    ("mourning period after the death of the monarch", "4.4"),
    # 5 The single access platform
    ("who provides our single access platform?", "5.3"),
    ("how do I get our account added to Orlo?", "5.4"),
    ("our Instagram isn't on Orlo, who needs the login details?", "5.5"),
    ("a colleague who knows the password has left the team", "5.5"),
    ("do we need two-factor authentication?", "5.6"),
    ("do we have to use 2FA on the login", "5.6"),
    # 6 Legal and supporting policies
    ("how often is the policy reviewed?", "6.1"),
    ("who audits our social media?", "6.2"),
    ("which laws apply to social media?", "6.4"),
    ("can I get the policy in large print?", "6.6"),
    # 8.1 Information requests
    ("someone asked for information under freedom of information on Twitter", "8.1"),
    ("someone has made an FOI request in a DM", "8.1"),
    ("how long do we have to answer an information request?", "8.1"),
    ("subject access request received on Facebook", "8.1"),
    # 8.2 Suffolk Fire and Rescue Service
    ("can firefighters post photos from an incident?", "8.2/4.2"),
    ("can we say how many crews are at a fire?", "8.2/2.5"),
    ("when should the fire service delete a comment?", "8.2/5.3"),
    ("someone swore on our fire station post, can I delete it?", "8.2/5.3"),
    ("our fire station wants its own Facebook page", "8.2/2.3"),
    ("does the SFRS administrator need admin rights on our station account?", "8.2/2.4"),
    ("complaint about a fire service post", "8.2/6.3"),
    # 8.3 and the Members guidance
    ("can a councillor add a council employee as a friend on Facebook?", "8.3"),
    ("councillor with one account for personal and political posts", "MG 3.1"),
    ("what privacy settings should a councillor use?", "MG 3.3"),
    ("how should councillors handle offensive comments on their page?", "MG 3.4"),
    ("could I be sued for libel over a post?", "MG 5.1"),
    ("can I post someone else's photo? copyright", "MG 5.2"),
    ("can a councillor share a confidential part 2 report?", "MG 5.4"),
    ("as a councillor can I post about a planning application I'm deciding?", "MG 5.5"),
    ("cllr wants to advertise on Facebook during the election", "MG 5.6"),
    ("should members use the same password as their council login?", "MG 6"),
    ("can councillors tweet during a committee meeting?", "MG 7"),
]

# Written after the first round of tuning, to see how it does on new wording; later rounds
# added the words these showed were missing. Held to a weaker standard: the expected
# section (or one of the equally right ones) must be among the hits.
MORE_QUESTIONS = [
    ("is it ok to sponsor a post on Instagram?", {"2.7"}),
    ("how much does it cost to boost a Facebook post and who pays?", {"2.7"}),
    ("can I share a picture of a teenager who won an award?", {"2.9"}),
    ("a parent wants us to take down a photo of their son", {"2.9"}),
    ("a member of the public keeps sending me abusive messages", {"3.9"}),
    ("someone is threatening staff in the comments", {"3.9"}),
    ("can I create a fake Facebook account to check on a business we are investigating?", {"2.11"}),
    ("can I look at a benefit claimant's Instagram to check if they are lying?", {"2.11"}),
    ("someone logged into our Twitter without permission", {"2.10"}),
    ("we got a phishing message and clicked the link", {"2.10", "MG 6"}),
    ("our team wants to start a TikTok channel", {"2.5"}),
    ("I want a LinkedIn page for our service", {"2.5"}),
    ("should I reply to a comment I disagree with?", {"3.3", "4.2"}),
    ("can I post a resident's phone number so people can contact them?", {"3.4"}),
    ("can I like and share council posts from my own account?", {"3.7"}),
    ("do I have to check Facebook messages at night?", {"3.8"}),
    ("what are the rules for our account bio and hours?", {"3.8"}),
    ("everyone is angry at us on Twitter about a closure", {"4.3"}),
    ("a journalist is asking about a post that went badly", {"4.3"}),
    ("what do we do when a member of the royal family dies?", {"4.4"}),
    ("do we need to cancel scheduled posts if the monarch dies?", {"4.4"}),
    ("do I need to turn on two step verification?", {"5.6"}),
    ("where do I register an account that cannot go on Orlo?", {"5.5"}),
    ("how do I get training on Orlo?", {"5.4"}),
    ("is our social media audited?", {"6.2"}),
    ("who do I contact about the policy?", {"2.1"}),
    ("someone sent an environmental information request via Facebook", {"8.1"}),
    ("someone asked for their own records in a Facebook message", {"8.1"}),
    ("can I take photos at a road traffic collision?", {"8.2/4.2"}),
    ("can we post a picture of a burnt out car with the number plate showing?", {"8.2/4.2"}),
    ("can we name the casualty in a fire post?", {"8.2/2.5"}),
    ("a resident posted swear words on the fire service page", {"8.2/5.3"}),
    ("can a firefighter say they work for SFRS on their personal Twitter?", {"8.2/5.5"}),
    ("a councillor posted something defamatory", {"MG 5.1", "8.3"}),
    ("can a councillor share a photo from a newspaper?", {"MG 5.2", "8.3"}),
    ("can I tweet from a private council meeting as a councillor?", {"MG 5.4"}),
    ("can councillors use the council logo on their personal page?", {"MG 3.1"}),
    ("should councillors moderate comments on their Facebook page?", {"MG 3.4"}),
    ("an old tweet from before I was elected has caused a complaint", {"MG 3.2"}),
    ("do I need to declare Facebook adverts as election expenses?", {"MG 5.6"}),
]

OFF_TOPIC = [
    "what's for lunch",
    "how do I book annual leave",
    "when is pay day",
    "how do I claim mileage expenses",
    "what's the weather tomorrow",
    "how do I book a meeting room",
    "who won the football last night",
    "where is the nearest car park",
    "my laptop won't turn on",
    "what time does the canteen open",
    "how do I reset my password for the intranet",
    "where do I send my timesheet",
    "is the office open on Saturday",
    "what is the dress code",
    "the printer on floor 3 is broken",
    "when is the next staff survey",
    "how do I apply for flexible working",
    "how do I order new business cards",
    "can I bring my dog to work",
]


@pytest.mark.parametrize("question,expected", STAFF_QUESTIONS)
def test_expected_section_first(question, expected):
    answer = ask(question)
    assert answer.known, question
    assert answer.hits[0].section.id == expected, [(h.section.id, h.score) for h in answer.hits]


@pytest.mark.parametrize("question,acceptable", MORE_QUESTIONS)
def test_more_questions_find_the_section(question, acceptable):
    answer = ask(question)
    assert answer.known, question
    assert acceptable & {h.section.id for h in answer.hits}, [(h.section.id, h.score) for h in answer.hits]


def test_enough_questions():
    assert len(STAFF_QUESTIONS) >= 45
    assert len({e for _, e in STAFF_QUESTIONS}) >= 40      # spread over the pack, not one topic


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_is_an_honest_dont_know(question):
    answer = ask(question)
    assert answer == Answer([], None, False)


@pytest.mark.parametrize("question", ["", "   ", "?!", "the and of"])
def test_empty_or_meaningless_question(question):
    assert not ask(question).known


# ---------------------------------------------------------------- the named examples

def test_boost_gives_the_boost_command():
    answer = ask("can I pay to promote a post?")
    assert answer.hits[0].section.id == "2.7"
    assert "/smpolicy boost" in answer.command_hint


def test_harassment_says_who_to_tell():
    hint = ask("someone is harassing me online").command_hint
    for who in ("line manager", "HR", "Communications Team", "platform", "police"):
        assert who in hint


def test_monitoring_gives_the_ripa_route():
    answer = ask("can I keep an eye on a suspect's Facebook?")
    assert answer.hits[0].section.id == "2.11"
    assert "RIPA" in answer.command_hint and "Authorising Officer" in answer.command_hint
    assert "magistrate" in answer.hits[0].snippet and "(RIPA)" in answer.hits[0].snippet


def test_hacked_account_reports_the_breach_and_mentions_two_factor():
    ids = [h.section.id for h in ask("I think our account was hacked").hits]
    assert ids[0] == "2.10" and "5.6" in ids


@pytest.mark.parametrize("question,command", [
    ("how do I set up a new Twitter account for my team?", "/smpolicy request-account"),
    ("our post has gone viral for the wrong reasons", "/crisis start"),
    ("someone has made an FOI request in a DM", "/smpolicy foi"),
    ("the King has died, should we stop posting?", "/smpolicy pause start"),
])
def test_command_hints(question, command):
    assert command in ask(question).command_hint


def test_no_hint_when_the_top_section_has_none():
    answer = ask("who owns the social media policy?")
    assert answer.hits[0].section.id == "2.1" and answer.command_hint is None


# ---------------------------------------------------------------- shape of the answer

@pytest.mark.parametrize("question,_", STAFF_QUESTIONS[::5])
def test_hits_are_ordered_trimmed_and_quote_the_section(question, _):
    answer = ask(question)
    scores = [h.score for h in answer.hits]
    assert 1 <= len(answer.hits) <= 3
    assert scores == sorted(scores, reverse=True)
    assert all(s >= TAIL_RATIO * scores[0] - 1e-6 for s in scores)
    for h in answer.hits:
        assert h.section.text, "a bare heading is never a hit"
        assert 0 < len(h.snippet) <= SNIPPET_CHARS
        lines = h.section.text.split("\n")
        flat = " ".join(" ".join(ln[2:] if ln.startswith("- ") else ln for ln in lines).split())
        for piece in h.snippet.strip("…").split(". "):
            assert piece.strip(". ") in flat


def test_k_limits_hits():
    assert len(ask("photo of children at an event", k=1).hits) == 1
    assert len(ask("can firefighters post photos from an incident?", k=5).hits) <= 5


def test_near_duplicate_sections_are_not_repeated():
    # 8.2 3.1 repeats 2.10's breach paragraph word for word.
    ids = [h.section.id for h in ask("I think our account was hacked").hits]
    assert "8.2/3.1" not in ids


def test_fire_appendix_first_for_fire_staff():
    ids = [h.section.id for h in ask("our fire station account has been hacked").hits]
    assert ids[0] == "8.2/3.1"


def test_deterministic():
    assert ask("photo of children at an event") == ask("photo of children at an event")


# ---------------------------------------------------------------- the normaliser

@pytest.mark.parametrize("word,expected", [
    ("boosting", "boost"), ("boosted", "boost"), ("boosts", "boost"), ("posts", "post"),
    ("harassed", "harass"), ("harassing", "harass"), ("policies", "policy"),
    ("bullied", "bully"), ("stopped", "stop"), ("under-18s".split("-")[1], "18"),
    ("share", "shar"), ("sharing", "shar"), ("shared", "shar"), ("access", "access"),
    # -ly only from adverbs; -ment only when a real word is left; US -ize and -isation as -ise.
    ("friendly", "friendly"), ("likely", "likely"), ("family", "family"), ("supplies", "supply"),
    ("regularly", "regular"), ("comments", "comment"), ("payment", "payment"), ("harassment", "harass"),
    ("authorize", "authoris"), ("authorised", "authoris"), ("authorisation", "authoris"),
    ("organizations", "organis"),
])
def test_stem(word, expected):
    assert stem(word) == expected


def test_terms_drop_stop_words_punctuation_and_possessives():
    assert terms("Can I PAY to promote a suspect's post?!") == ["pay", "promot", "suspect", "post"]
    assert terms("two-factor") == ["two", "factor"]


def test_contractions_typed_without_apostrophes_are_stop_words():
    assert terms("dont cant whats im ive isnt") == []


@pytest.mark.parametrize("typed,meant", [
    ("facebok", "facebook"), ("harrass", "harass"), ("permision", "permission"), ("pasword", "password"),
])
def test_one_slip_reads_past_a_typo(typed, meant):
    assert one_slip(typed, engine()._vocabulary) == meant


@pytest.mark.parametrize("word", ["lunch", "laptop", "canteen", "survey", "pension", "football", "acount"])
def test_one_slip_leaves_real_words_short_words_and_ties_alone(word):
    # "lunch" is one letter from "launch" but too short to guess; "acount" is one slip from two words.
    assert one_slip(stem(word), engine()._vocabulary) is None


@pytest.mark.parametrize("question,expected", [
    ("can i boost a facebok post", "2.7"),
    ("someone is harrassing me on twitter", "3.9"),
])
def test_typos_find_the_section(question, expected):
    assert ask(question).hits[0].section.id == expected


@pytest.mark.parametrize("question", ["help", "next steps", "time", "people", "any advice"])
def test_everyday_words_alone_are_a_dont_know(question):
    assert not ask(question).known


def test_naming_a_network_does_not_pull_to_the_list_of_networks():
    assert ask("new tiktok").hits[0].section.id == "2.5"
    assert ask("can I pay facebook to push our post").hits[0].section.id == "2.7"


def test_member_of_the_public_or_of_staff_is_not_a_councillor():
    search = engine()
    councillors = next(a for a in search.audiences if "MG" in a.prefixes)
    assert councillors.words & search._parse("a member is abusive")[1]
    for question in ("a member of the public is abusive", "a member of staff is abusive"):
        assert not councillors.words & search._parse(question)[1], question


def test_synonyms_find_words_the_policy_never_uses():
    text = " ".join(s.text for s in load_sections().values()).lower()
    for word in ("kids", "trolled", "hacked", "cllr", "2fa"):
        assert word not in text.split()
    assert ask("kids").hits[0].section.id == "2.9"
    assert ask("cllr privacy settings").hits[0].section.id == "MG 3.3"


# ---------------------------------------------------------------- the pack's data files

def test_commands_file_maps_the_workflows():
    commands = load_commands()
    expected = {"2.5": "/smpolicy request-account", "2.7": "/smpolicy boost", "4.3": "/crisis start",
                "4.4": "/smpolicy pause start", "8.1": "/smpolicy foi"}
    for sid, command in expected.items():
        assert commands[sid]["command"] == command
        assert command in commands[sid]["hint"]
    assert "Communications Team" in commands["4.4"]["hint"]
    for sid, entry in commands.items():
        assert get_section(sid) is not None and entry["hint"]


def _pack_copy(tmp_path: Path) -> Path:
    for name in ("sections.json", "synonyms.toml", "commands.toml"):
        shutil.copy(PACK_DIR / name, tmp_path / name)
    return tmp_path


def test_another_pack_directory(tmp_path):
    pack = _pack_copy(tmp_path)
    assert ask("can I pay to promote a post?", pack_dir=pack).hits[0].section.id == "2.7"


@pytest.mark.parametrize("name,text,problem", [
    ("synonyms.toml", "[[group]\n", "invalid TOML"),
    ("synonyms.toml", "[[group]]\nterms = []\n", "group #1 'terms' must be a non-empty list"),
    ("synonyms.toml", "[[audience]]\nsections = ['8.2']\nwords = ['fire']\nfactor = 2\n", "'factor'"),
    ("synonyms.toml", "[[group]]\nterms = ['fb']\nweight = 0\n", "group #1 'weight' must be a number"),
    ("synonyms.toml", "[[group]]\nterms = ['orlo']\nsame = 'yes'\n", "group #1 'same' must be true or false"),
    ("commands.toml", "[sections.\"9.9\"]\nhint = \"x\"\n", "section '9.9' is not in the pack"),
    ("commands.toml", "[sections.\"2.7\"]\ncommand = \"boost\"\nhint = \"x\"\n", "must start with '/'"),
    ("commands.toml", "[sections.\"2.7\"]\ncommand = \"/smpolicy boost\"\n", "needs a 'hint'"),
])
def test_malformed_word_lists_raise_pack_error(tmp_path, name, text, problem):
    pack = _pack_copy(tmp_path)
    (pack / name).write_text(text)
    with pytest.raises(PackError) as info:
        PolicySearch(pack)
    assert problem in str(info.value) and str(pack / name) in str(info.value)
    assert "\n" not in str(info.value)
