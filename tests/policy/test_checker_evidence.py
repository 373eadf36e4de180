"""The rule layers as graded evidence (issue 11 items 1 and 2): confidence bands, supporting and weakening
words, advice frames, published contacts, ambiguous words, and people with their circumstances.

These test the rule layers on their own (``evaluate``), so that the learned layer's scores don't blur what
the rules decide; the last tests go through ``check`` for the verdicts people see.
"""
from __future__ import annotations

import pytest

from bench.checker import CLEAN, PROBLEMS, generate_posts
from policy import detectors as det
from policy.check_engine import RawFinding, evaluate
from policy.checker import PACK, Finding, OwnContacts, _own_index
from tests.policy.test_checker_categories import CAUGHT, NOT_CAUGHT

# The rule layers alone: what the rules decide, without the learned layer's judgement (tests/policy/conftest.py).
pytestmark = pytest.mark.usefixtures("rules_only")

NO_ORG = _own_index(OwnContacts())  # no organisation file: only the pack's published contacts
CFG = PACK.detector_config


def rules(text, profile="staff", image=False, own=NO_ORG):
    return evaluate(PACK, text, profile, image, own)


def found(text, category, profile="staff", image=False, own=NO_ORG):
    """(severity, confidence, flagged text) for each finding of the category."""
    return [(f.severity, f.confidence, text[f.span[0]:f.span[1]])
            for f in rules(text, profile, image, own) if f.category == category]


def severities(text, category, profile="staff", image=False):
    return {f.severity for f in rules(text, profile, image) if f.category == category}


# --- the finding carries how sure and why -------------------------------------------------

def test_a_raw_finding_unpacks_as_the_five_public_fields_and_carries_confidence_and_evidence():
    text = "Please ring Mrs Patel on 07911 123456 after 6pm"
    [f] = [f for f in rules(text) if f.category == "personal_data" and "07911" in text[f.span[0]:f.span[1]]]
    category, severity, section, message, span = f  # Finding(*raw) keeps working
    assert (category, severity, section) == ("personal_data", "stop", "3.4")
    assert f.confidence == "high"
    labels = [label for label, _, _ in f.evidence]
    assert labels[0] == "a UK mobile number"
    assert "a word about phoning" in labels and "a person named nearby" in labels
    said = {label: text[s:e] for label, s, e in f.evidence}
    assert said["a word about phoning"] == "ring" and said["a person named nearby"].startswith("Mrs Patel")
    assert f.evidence_dicts()[0] == {"what": "a UK mobile number", "span": list(span)}
    assert "07911" not in repr(f.evidence)  # spans and labels, never copies of the text


def test_findings_from_state_have_no_confidence():
    f = RawFinding("crisis", "sign_off", "4.3", "m (4.3)", None)
    assert f.confidence is None and f.evidence == () and tuple(f) == ("crisis", "sign_off", "4.3", "m (4.3)", None)


# --- phone numbers by the UK number plan ---------------------------------------------------

@pytest.mark.parametrize("text,level,note", [
    ("07911 123456", det.HIGH, "a UK mobile number"),
    ("01473 555123", det.MEDIUM, "a UK landline number"),
    ("07911 12345", det.LOW, "digit missing or extra"),  # a digit short
    ("079111 234567", det.LOW, "digit missing or extra"),  # a digit long
    ("0791 1123 456", det.HIGH, "a UK mobile number"),  # odd spacing
    ("7911 123456", det.LOW, "without its first 0"),
    ("07782 44l 903", det.LOW, "a letter for a digit"),
    ("oh seven nine four one, 226 083", det.LOW, "written out in words"),
])
def test_phone_numbers_are_graded_by_the_number_plan(text, level, note):
    [hit] = det.phones(f"number {text} thanks", NO_ORG, CFG)
    assert hit.level == level and note in hit.note


def test_a_mistyped_number_needs_supporting_words():
    assert found("07911 12345", "personal_data") == []
    assert found("ring 07911 12345", "personal_data") == [("sign_off", "medium", "07911 12345")]
    # the example: an honorific, an initial and a surname with a mistyped number
    assert found("Mrs J Smith on 07911 12345, ring after 6", "personal_data")[-1] == ("stop", "high", "07911 12345")


def test_an_organisations_number_is_weakened_by_its_words_in_the_same_sentence():
    assert found("Call the school office on 01473 555123", "personal_data") == []
    assert found("Call Ipswich Hospital switchboard on 01473 555124", "personal_data") == []
    assert found("Call us on 01473 555123 for advice", "personal_data") == []
    # an organisation's word in an earlier sentence doesn't make a person's number public
    text = "Lost cat near the library. If you see her ring Brenda on 07911 123456"
    assert found(text, "personal_data")[-1][0] == "stop"


def test_the_pack_ships_the_suffolk_published_contacts_and_venues():
    for text in ("Call Customer Service on 0345 606 6067",
                 "Fire Business Support: 01473 260588",
                 "Visit us at Endeavour House, 8 Russell Road, Ipswich IP1 2BX",
                 "Email customer.services@suffolk.gov.uk or jo.bloggs@ipswich.gov.uk",
                 "The concert is at Snape Maltings, Snape, Saxmundham IP17 1SP",
                 "Tickets from the Regent Theatre, 3 St Helens Street, Ipswich"):
        assert found(text, "personal_data") == [], text
    assert PACK.published.national >= {"03456066067", "01473260588"}


def test_the_organisation_file_adds_its_own_numbers_to_the_packs():
    own = _own_index(OwnContacts(phones=("01473 555123",)))
    assert found("Ring Dave Smith on 01473 555123", "personal_data", own=own) == []
    assert found("Ring Dave Smith on 01473 555123", "personal_data")  # not published without it
    assert found("Ring Dave Smith on 0345 606 6067", "personal_data", own=own) == []  # the pack's still apply


# --- other identifiers ----------------------------------------------------------------------

def test_nhs_numbers_need_their_check_digit_or_their_shape_and_an_nhs_word():
    assert found("Her NHS number is 943 476 5919", "personal_data")[0][:2] == ("stop", "high")
    assert found("is the nhs no on ur form 485 777 3456?", "personal_data")[0][0] == "stop"  # 3-3-4, mistyped
    assert found("Order ref 9434765919 has shipped", "personal_data") == []  # valid, but no NHS word
    assert [h.level for h in det.nhs_numbers("n 943 476 5919", NO_ORG, CFG)] == [det.LOW]


def test_ni_numbers_are_high_in_full_and_medium_without_the_final_letter():
    assert [h.level for h in det.ni_numbers("AB 12 34 56 C", NO_ORG, CFG)] == [det.HIGH]
    assert [h.level for h in det.ni_numbers("AB 12 34 56", NO_ORG, CFG)] == [det.MEDIUM]
    assert found("ni AB 12 34 56", "personal_data")[0][:2] == ("stop", "high")  # with an NI word


def test_cards_sort_codes_cvv_and_expiry():
    assert found("Card 4111 1111 1111 1111 was used", "payment_data")[0][:2] == ("stop", "high")
    assert found("Ref 4111111111111111 on your order", "payment_data") == []  # valid Luhn, but a reference
    assert found("card 4111 1111 1111 1112, expires 04/27", "payment_data")[0][0] in ("stop", "sign_off")
    assert severities("Pay to sort code 12-34-56 account 12345678", "payment_data") == {"stop"}
    assert severities("My card: cvv 123, exp 04/27", "payment_data") == {"stop"}
    assert severities("The 12-03-24 meeting minutes are online", "payment_data") == set()


@pytest.mark.parametrize("text", [
    "Your code is 482913",
    "Your 2FA code is 482 913, don't lose it",
    "Facebook just sent me a code 918-442 to log in",
    "pw is Tractor99",
    "the login is socialmedia.team@gmail.com and the password is Ipswich123",
    "log in with libraries.social / Brandon#1 to see the draft",
    "Staff Wi-Fi is SCC-Secure, key is 8h!Yt5qP",
    "key safe is 2-8-0-5, round the side by the bins",
    "api key: 3f9a7c21d8e04b55a1c2",
    "token xoxb-1234567890-abcdefghij",
])
def test_credentials(text):
    assert severities(text, "credentials") == {"stop"}, rules(text)


@pytest.mark.parametrize("text", [
    "Use discount code 2024 for 10% off tickets",
    "Your password is case sensitive",
    "Change your password every 90 days",
    "Our bus pass is valid for a year",
    "Roadworks on the A14/A12 junction 24/7 this week",
])
def test_not_credentials(text):
    assert severities(text, "credentials") == set()


# --- negation and advice frames cancel a request -----------------------------------------

@pytest.mark.parametrize("text,category", [
    ("Scam warning: never give your card details to anyone who calls you", "payment_data"),
    ("Fraudsters may ask you to send your bank details. Don't.", "payment_data"),
    ("Please don't post your address or phone number in the comments", "personal_data"),
    ("Please DM us your email address and we'll call you back", "personal_data"),
    ("We will never ask for your password or a code", "credentials"),
    ("Don't share your PIN with anyone, even us", "credentials"),
])
def test_advice_and_negation_frames_cancel_a_request(text, category):
    assert severities(text, category) == set(), rules(text)


@pytest.mark.parametrize("text,category", [
    ("Send us your card details and we'll take the payment", "payment_data"),
    ("Don't forget to send us your card details by Friday", "payment_data"),
    ("Pop your phone number in the comments and we'll call", "personal_data"),
    ("dm us ur full name, dob and NI no so we can process ur claim", "personal_data"),  # identity: not even by DM
    ("Can whoever's in the office read out the code the bank just texted?", "credentials"),
])
def test_requests_without_a_frame_are_caught(text, category):
    assert severities(text, category) == {"stop"}, rules(text)


# --- words rude only in some senses ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "A talk on Fanny Burney and her diaries at the library",
    "Quiz night at the Cock Inn on Friday",
    "A shag was drying its wings on the harbour wall; a blue tit and a great tit on the feeder",
    "Dick Turpin rode through here, says the plaque",
    "The door knob on the hall is broken; a prick from the vaccine and you're done",
    "The cow and her calf at the city farm",
    "Great results in Scunthorpe, Cockfield and Penistone",
])
def test_ambiguous_words_are_not_swearing_in_their_ordinary_senses(text):
    assert severities(text, "profanity") == set(), rules(text)


@pytest.mark.parametrize("text", [
    "You absolute prick", "What a knob", "Bugger off", "silly cow", "he's a right cock",
    "He shagged her behind the bins", "what a c*ck", "stop being a d*ck",
])
def test_ambiguous_words_count_in_an_insulting_or_sexual_frame(text):
    assert severities(text, "profanity") == {"stop"}, rules(text)


# --- people and their circumstances -------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Hi Sharon, sorry to hear your son Jack was excluded from Bacton Primary",
    "Sharon Jones, 14, from Year 10 at Stowmarket High",
    "The lady at no. 14 has dementia and lives alone",
    "Mr Jones has rent arrears of £2,000",
    "Kayden, 14, who's just won the Year 9 maths prize at Thomas Gainsborough School",
    "Mrs Okafor at 14 gainsborough rd has had her bins missed, she's in hospital",
    "Hi Amy, Ollie's free school meals are now set up at Northgate High",
])
def test_a_person_with_a_circumstance_is_personal_data_without_any_number(text):
    assert "stop" in severities(text, "personal_data"), rules(text)


@pytest.mark.parametrize("text", [
    "Does your child have an EHCP? Find out about the Local Offer",
    "Cllr Jane Smith visited Year 6 at Bacton Primary today",
    "Mrs Smith from Adult Social Care will be at the library on Monday",
    "Our Head of Libraries, Jo Bloggs, opened the new reading room",
    "Hi Lou, we've forwarded your question on how many children are waiting for an EHCP assessment",
    "Thanks for getting in touch. Your bin will be collected on Tuesday. Thanks, Jo",
    "A talk on Fanny Burney, the novelist who survived a mastectomy in 1811",
    "Re-elect Jane Marsh for Thedwastre North: a governor at Combs Ford Primary for 10 years",
    "Log into the 'Suzy Smith' profile and keep the screenshots for the case",
])
def test_public_figures_advice_and_personas_are_not_private_people(text):
    assert severities(text, "personal_data") == set(), rules(text)


def test_a_staff_member_in_a_disciplinary_is_personal_data_even_in_their_role():
    text = "The support worker involved, Kerry Ward from the Ipswich team, has been suspended"
    assert "stop" in severities(text, "personal_data")


def test_the_evidence_names_the_person_and_the_circumstance():
    text = "Hi Sharon, sorry to hear your son was excluded from school"
    [f] = [f for f in rules(text) if f.category == "personal_data"]
    said = [(label, text[s:e]) for label, s, e in f.evidence]
    assert ("a school or year group", "excluded from") in said
    assert f.confidence == "high" and "(3.4)" in f.message


def test_a_circumstance_two_word_lists_find_is_evidence_once():
    # "EHCP" is on the case-blind list and the case-sensitive one: it showed twice and counted twice as support
    text = "Tom Jones (EHCP) is 12"
    [f] = [f for f in rules(text) if f.category == "personal_data"]
    spans = [(s, e) for _, s, e in f.evidence]
    assert len(spans) == len(set(spans))
    assert [text[s:e] for _, s, e in f.evidence][1:] == ["EHCP", "is 12"]


def test_an_under_18_in_a_photo_needs_parental_permission():
    assert severities("Ruby, 9, won the poster prize!", "children", image=True) == {"sign_off"}
    assert severities("Well done to our Y10s on their GCSE art show", "children", image=True) == {"sign_off"}
    assert severities("Ruby, 9, won the poster prize!", "children") == set()  # no photo


# --- the triggers for circumstances never hide one ---------------------------------------

def _texts():
    yield from CLEAN
    yield from (t for texts in PROBLEMS.values() for t in texts)
    yield from (c[1] for c in CAUGHT)
    yield from (c[1] for c in NOT_CAUGHT)
    yield from (t for t, _, _ in generate_posts(300, seed=12))
    yield "Hi Sharon, your son Jack (14) in Year 10 at Bacton Primary has an EHCP and is in hospital with a broken arm"
    yield "The gentleman at number 9 Station Road, who has schizophrenia, owes rent arrears and was arrested"


def test_circumstance_triggers_never_hide_a_finding():
    for text in _texts():
        fast = det.person_circumstances(text, NO_ORG, CFG)
        full = det.person_circumstances(text, NO_ORG, CFG, exhaustive=True)
        for h in full:
            assert any((f.start, f.end) == (h.start, h.end) and f.level >= h.level for f in fast), (text, h)


def test_a_findings_words_are_the_drafts_own_each_once_and_short():
    text = "Ring Sharon about her son's EHCP review at Northgate High School and Sixth Form Centre in Ipswich"
    name, needs, school = (text.index(w) for w in ("Sharon", "EHCP", "Northgate"))
    f = Finding("personal_data", "stop", "3.4", "…", (name, name + 6), 0.9,
                (("a first name", name, name + 6), ("special needs", needs, needs + 4),
                 ("special needs", needs, needs + 4), ("a school", school, len(text)), ("a word about phoning", 0, 4)))
    assert f.words(text) == ("Sharon", "EHCP", "Northgate High School and Sixth Form…")
    assert f.words(text, most=5)[-1] == "Ring"
    assert Finding("mourning_pause", "stop", "4.4", "…", None).words(text) == ()
