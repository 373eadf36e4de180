"""Every category in the issue's table: posts that must be caught, and hard negatives that must not be."""
from __future__ import annotations

import pytest

from policy import learned
from policy.checker import PACK, OwnContacts, check

# The rule layers alone: what the rules decide, without the learned layer's judgement (tests/policy/conftest.py).
pytestmark = pytest.mark.usefixtures("rules_only")

OWN = OwnContacts(
    domains=("suffolk.gov.uk", "suffolkfire.gov.uk"),
    phones=("01473 260588", "0345 606 6067"),
    buildings=("Endeavour House, 8 Russell Road, Ipswich IP1 2BX",),
)

SEVERITY = {
    "personal_data": "stop", "payment_data": "stop", "credentials": "stop", "incident_sensitive": "stop",
    "confidential": "stop", "hate_or_abuse": "stop", "profanity": "stop", "defamation": "stop",
    "predetermination": "stop", "surveillance": "stop", "children": "sign_off", "political": "sign_off",
    "controversial": "sign_off", "paid_promotion": "sign_off", "campaign": "sign_off", "copyright": "sign_off",
    "speaking_for_council": "sign_off", "foi_request": "advice",
}

# (profile, text, category, section, what the flagged span is)
CAUGHT = [
    # personal_data: 3.4 (MG 5.3 for councillors)
    ("staff", "Please ring Dave Smith on 07911 123456 about the fence", "personal_data", "3.4", "07911 123456"),
    ("staff", "Call Mrs Patel on 01473 555123 after 6pm", "personal_data", "3.4", "01473 555123"),
    ("staff", "Her number is +44 7911 123456", "personal_data", "3.4", "+44 7911 123456"),
    ("staff", "Text 07700 900123 for a lift", "personal_data", "3.4", "07700 900123"),
    ("staff", "Email jane.doe@gmail.com with any questions", "personal_data", "3.4", "jane.doe@gmail.com"),
    ("staff", "His NI number is AB 12 34 56 C", "personal_data", "3.4", "AB 12 34 56 C"),
    ("staff", "Her DOB is 12/03/1985 so she qualifies", "personal_data", "3.4", "DOB is 12/03/1985"),
    ("staff", "Born on 3 March 1990, she has lived here all her life", "personal_data", "3.4",
     "Born on 3 March 1990"),
    ("staff", "Mr Jones lives at 14 Church Road, Bacton IP14 4LJ", "personal_data", "3.4",
     "14 Church Road, Bacton IP14 4LJ"),
    ("staff", "Can you send us your home address and date of birth?", "personal_data", "3.4", "home address"),
    ("staff", "Her case number is 12345678, the social worker knows", "personal_data", "3.4",
     "case number is 12345678"),
    ("staff", "Mrs Smith's care plan has been updated by her social worker", "personal_data", "3.4", "Mrs Smith's"),
    ("staff", "Mr Jones has dementia and lives alone", "personal_data", "3.4", "Mr Jones has"),
    ("staff", "The silver car AB12 CDE was parked on the verge all week", "personal_data", "3.4", "AB12 CDE"),
    ("member", "Resident Mr Brown (07911 123456) says the road is dangerous", "personal_data", "MG 5.3",
     "07911 123456"),
    ("personal", "Congratulations to my colleague, ring her on 07911 123456", "personal_data", "3.4", "07911 123456"),
    # payment_data: 3.4
    ("staff", "Pay to sort code 12-34-56 account 12345678 by Friday", "payment_data", "3.4", "sort code 12-34-56"),
    ("staff", "Card 4111 1111 1111 1111 was used for the booking", "payment_data", "3.4", "4111 1111 1111 1111"),
    ("staff", "Please DM us your card details so we can take payment", "payment_data", "3.4", "card details"),
    ("staff", "We'll need the 3 digit CVV from the back", "payment_data", "3.4", "CVV"),
    # credentials: 5.5, 5.6, MG 6
    ("staff", "The password for our Twitter account is Summer2024!", "credentials", "5.5", None),
    ("staff", "Login: comms_team / password: Ipswich123", "credentials", "5.5", None),
    ("staff", "Your 2FA code is 482913, don't lose it", "credentials", "5.6", "code is 482913"),
    ("staff", "We all share the login for the Facebook page", "credentials", "5.5", "share the login"),
    ("member", "My password is Tractor99 if you need to post for me", "credentials", "MG 6", None),
    # incident_sensitive: 8.2 2.5, 8.2 4.2 for the fire service; 3.4 for council staff (8.2 is the fire service's)
    ("sfrs", "A 45-year-old man was taken to hospital after the fire in Bacton", "incident_sensitive", "8.2 2.5",
     "45-year-old"),
    ("sfrs", "Two appliances are off the run due to staff shortages tonight", "incident_sensitive", "8.2 2.5",
     "off the run"),
    ("sfrs", "Bacton's appliance was crewed by 3 at the house fire", "incident_sensitive", "8.2 2.5", "crewed by 3"),
    ("sfrs", "4 firefighters on the first pump tackled the blaze", "incident_sensitive", "8.2 2.5",
     "4 firefighters on"),
    ("sfrs", "Sadly a woman died in the house fire in Bacton", "incident_sensitive", "8.2 2.5", "died"),
    ("sfrs", "Crews attended a fire at 14 Church Road; Mr Smith was rescued", "incident_sensitive", "8.2 2.5",
     "14 Church Road"),
    ("sfrs", "The car AB12 CDE left the road and caught fire", "incident_sensitive", "8.2 4.2", "AB12 CDE"),
    ("sfrs", "Crews attended a collision involving a red Ford, K123 ABC, on the A140", "incident_sensitive",
     "8.2 4.2", "K123 ABC"),
    ("staff", "John Smith, 34, of Stowmarket was injured in the crash", "incident_sensitive", "3.4",
     "John Smith, 34,"),
    # confidential: 2.10, MG 5.4
    ("staff", "The Part 2 report on the depot sale is attached", "confidential", "2.10", "Part 2"),
    ("staff", "This is strictly confidential until cabinet meets", "confidential", "2.10", "confidential"),
    ("staff", "Leaked briefing: embargoed until Monday", "confidential", "2.10", "Leaked briefing"),
    ("member", "What was said in the closed session about the school was shocking", "confidential", "MG 5.4",
     "closed session"),
    # hate_or_abuse: 3.9, 8.3 (members), 8.2 2.5 (fire service); 8.2 5.3 is for deleting the public's posts
    ("staff", "You absolute idiots, all of you", "hate_or_abuse", "3.9", "idiots"),
    ("staff", "Go back to where you came from", "hate_or_abuse", "3.9", "back to where you came from"),
    ("staff", "All immigrants are scroungers", "hate_or_abuse", "3.9", "immigrants are"),
    ("sfrs", "Kill yourself", "hate_or_abuse", "8.2 2.5", "Kill yourself"),
    ("member", "The leader of the opposition is a pathetic loser, you're useless", "hate_or_abuse", "8.3", "useless"),
    ("staff", "No pakis in the queue please", "hate_or_abuse", "3.9", "pakis"),
    # profanity: 3.2 for everyone (8.2 5.3 is about the public's posts, not our own drafts)
    ("staff", "What a load of bollocks", "profanity", "3.2", "bollocks"),
    ("staff", "This is f**king ridiculous", "profanity", "3.2", "f**king"),
    ("staff", "Sh!t happens", "profanity", "3.2", "Sh!t"),
    ("staff", "Stop being a bellend", "profanity", "3.2", "bellend"),
    ("staff", "Tosser", "profanity", "3.2", "Tosser"),
    ("staff", "He's a right pillock", "profanity", "3.2", "pillock"),
    ("sfrs", "Some wanker set fire to the bins", "profanity", "3.2", "wanker"),
    ("staff", "what a twat", "profanity", "3.2", "twat"),
    ("staff", "What the fuck", "profanity", "3.2", "fuck"),
    # defamation: 8.3, MG 5.1
    ("staff", "Mr Jones of Jones Builders Ltd is a crook who ripped customers off", "defamation", "4.2", "crook"),
    ("member", "Cllr Smith lied to the committee and took bribes", "defamation", "MG 5.1", "lied"),
    ("staff", "John Smith is a total fraud", "defamation", "4.2", "fraud"),
    # predetermination (councillors): MG 5.5
    ("member", "I will be voting against the planning application for 300 homes at Church Farm",
     "predetermination", "MG 5.5", "voting against"),
    ("member", "I have already made up my mind to refuse the planning application for the Tesco site",
     "predetermination", "MG 5.5", "made up my mind"),
    ("member", "Over my dead body will this wind farm get planning permission", "predetermination", "MG 5.5",
     "dead body"),
    # surveillance: 2.11
    ("staff", "Set up a fake profile so we can see what the trader is selling", "surveillance", "2.11",
     "fake profile"),
    ("staff", "Can someone keep an eye on the tenant's Facebook page for us?", "surveillance", "2.11", None),
    ("staff", "I'll send a friend request to the suspect from my own account", "surveillance", "2.11",
     "friend request"),
    # children (sign_off) without a photo but about one: 2.9, 8.2 4.3
    ("staff", "Great photos of the kids at the Year 6 leavers' assembly!", "children", "2.9", "kids"),
    ("sfrs", "Video of the cubs trying on helmets at Ipswich station", "children", "8.2 4.3", "cubs"),
    # political: 4.2 (sign_off for council accounts)
    ("staff", "Vote Labour on Thursday! The Tories have failed Suffolk", "political", "4.2", "Vote Labour"),
    ("sfrs", "Our local MP has backed the Conservative manifesto", "political", "4.2", "MP"),
    # controversial: 4.2
    ("staff", "Plans to close three libraries go to cabinet next week", "controversial", "4.2", "Plans to close"),
    ("staff", "We are closing Hadleigh library next month because of budget cuts", "controversial", "4.2", None),
    ("staff", "We are closing Hadleigh library next month", "controversial", "4.2", "closing Hadleigh library"),
    ("staff", "Council tax will rise by 4.99% from April", "controversial", "4.2", "Council tax will rise"),
    ("staff", "Ofsted rated the service inadequate in its latest inspection", "controversial", "4.2", "inadequate"),
    ("staff", "We're sad to say former councillor Jean Smith has died", "controversial", "4.2", "died"),
    ("staff", "After a U-turn the bus route will stay", "controversial", "4.2", "U-turn"),
    # paid_promotion: 2.7
    ("staff", "We will boost this post on Facebook with a £50 budget", "paid_promotion", "2.7", "boost this post"),
    ("sfrs", "Sponsored post: smoke alarms half price #ad", "paid_promotion", "2.7", "Sponsored post"),
    # campaign: 3.5 (fire service 8.2 5.4)
    ("staff", "Today we launch our new winter safety campaign", "campaign", "3.5", "campaign"),
    ("sfrs", "Our year-long water safety campaign starts on Monday", "campaign", "8.2 5.4", "campaign"),
    # copyright: 8.3, MG 5.2
    ("staff", "Photo credit: John Smith. Image from Getty Images", "copyright", "4.2", "Photo credit: J"),
    ("member", "Found this picture on Google, lovely view of the river", "copyright", "MG 5.2", None),
    ("staff", "© 2023 Ipswich Star", "copyright", "4.2", "©"),
    # speaking_for_council (personal and councillor accounts): 3.7, MG 3.1
    ("personal", "Speaking on behalf of the council, we will not fund this", "speaking_for_council", "3.7", None),
    ("personal", "In my role as Head of Libraries at Suffolk County Council I can say this is nonsense",
     "speaking_for_council", "3.7", None),
    ("personal", "As a social worker for Suffolk County Council I think the new policy is a disaster",
     "speaking_for_council", "3.7", "As a social worker for Suffolk County Council"),
    ("member", "The council's position is that the road will not be built", "speaking_for_council", "MG 3.1",
     None),
    # foi_request (advice): 8.1
    ("staff", "Under the Freedom of Information Act please tell me how much you spent on taxis",
     "foi_request", "8.1", None),
]


@pytest.mark.parametrize("profile,text,category,section,span_text", CAUGHT,
                         ids=[f"{c[2]}:{c[1][:30]}" for c in CAUGHT])
def test_caught(profile, text, category, section, span_text):
    result = check(text, profile=profile, own=OWN)
    found = [f for f in result.findings if f.category == category]
    assert found, f"{category} not found in {result.findings}"
    f = found[0]
    assert f.section == section
    assert f.severity == SEVERITY[category]
    assert f"({section})" in f.message
    order = {"stop": 2, "sign_off": 1, "ok": 0}
    expected = {"stop": "stop", "sign_off": "sign_off", "advice": "ok"}[SEVERITY[category]]
    assert order[result.verdict] >= order[expected]
    if span_text is not None:  # one of the category's findings is on it (a person and their address are two)
        flagged = [text[g.span[0]:g.span[1]] for g in found]
        assert any(span_text in s or s in span_text for s in flagged), flagged


def test_every_category_in_the_table_is_caught_somewhere():
    assert {c[2] for c in CAUGHT} == set(SEVERITY)


# Hard negatives: (profile, text, the categories that must NOT appear)
NOT_CAUGHT = [
    # our own details are not personal data
    ("staff", "Contact us on 01473 260588 or customer.services@suffolk.gov.uk", {"personal_data"}),
    ("sfrs", "Email fire.businesssupport@suffolkfire.gov.uk or call 0345 606 6067", {"personal_data"}),
    ("staff", "Join us at Endeavour House, 8 Russell Road, Ipswich IP1 2BX on Friday", {"personal_data"}),
    ("staff", "Visit us at Endeavour House, Russell Road, IP1 2BX", {"personal_data"}),
    ("staff", "Drop your form in at 8 Russell Road, Ipswich", {"personal_data"}),
    ("staff", "We're closing the library early today for staff training", {"controversial"}),
    ("staff", "Call free on 0800 123 4567 or 0300 123 4567 for advice", {"personal_data"}),
    # venues
    ("staff", "The event is at Christchurch Park on Saturday", {"personal_data"}),
    ("staff", "Come along to Ipswich Corn Exchange, King Street, Ipswich IP1 1EL", {"personal_data"}),
    ("staff", "The jobs fair is held at 15 Princes Street, Ipswich from 10am", {"personal_data"}),
    ("staff", "Our museum in Bury St Edmunds, 7 Angel Hill, IP33 1UZ, is open daily", {"personal_data"}),
    ("staff", "Contact the team at enquiries@suffolklibraries.co.uk or customer.services@ipswich.gov.uk",
     {"personal_data"}),
    ("staff", "Please do not share personal information in the comments. DM us instead", {"foi_request"}),
    ("staff", "Thanks for the request. Please DM us your email and we will pass that on to the FOI team",
     {"foi_request", "personal_data"}),
    ("staff", "Meet at 10 Christchurch Park by the mansion for the history walk", {"personal_data"}),
    ("staff", "Join us at Christchurch Park on Saturday for the summer fair", set(SEVERITY)),
    # road and junction numbers are not number plates
    ("sfrs", "The A14 is closed between J28 and J29; use the M25 or the B1115", {"incident_sensitive"}),
    ("staff", "A14 NOW OPEN AFTER J28 OFF SLIP WORKS", {"personal_data"}),
    ("staff", "Roadworks on the A12 and A1214 start at 8pm", {"personal_data"}),
    ("staff", "ab12 cde in lower case is not a plate we flag", {"personal_data"}),
    # numbers that are not personal
    ("staff", "We planted 2,000 trees in 2024, up from 1,500 in 2023", {"personal_data", "payment_data"}),
    # grouped like a card but failing the Luhn check, with no card word: a tracking number
    ("staff", "Tracking number 4111 1111 1111 1112 for your parcel", {"payment_data"}),
    ("staff", "QQ 12 34 56 C and BG 12 34 56 A are not valid NI numbers", {"personal_data"}),
    ("staff", "The 12-03-24 meeting minutes are online", {"payment_data"}),
    # place names, names and ordinary words that contain swear words
    ("staff", "Great assessment results in Scunthorpe, Penistone and Clitheroe", {"profanity"}),
    ("staff", "Cockfield, Twatt, Shitterton, Lickey End, Fanny Barks and Cockermouth", {"profanity"}),
    ("staff", "Middlesex, Essex and Sussex join Dickens Day", {"profanity"}),
    ("staff", "Charles Dickens, Matt Hancock, a cocktail class and scrap metal collection", {"profanity"}),
    ("staff", "Dick Whittington is this year's panto; don't miss it", {"profanity"}),
    ("staff", "The Arsenal match and the cocktail bar; a class act", {"profanity"}),
    ("staff", "Stop! Test your smoke alarm today!", {"profanity"}),
    # safety messages and ordinary council posts
    ("sfrs", "Most fatal fires start at night. Test your smoke alarm!", {"incident_sensitive", "controversial"}),
    ("sfrs", "A second crew fought the fire from inside the roof space", {"incident_sensitive"}),
    ("staff", "Never share your password with anyone", {"credentials"}),
    ("staff", "Use discount code 2024 for 10% off tickets", {"credentials"}),
    ("staff", "Call our free, confidential helpline on 0800 123 4567", {"confidential", "personal_data"}),
    ("staff", "Part 2 of our winter safety video series is out now", {"confidential"}),
    ("staff", "Church Road will be closed for resurfacing. The library is closed on bank holiday Monday",
     {"controversial"}),
    ("staff", "A boost for local businesses as the high street reopens", {"paid_promotion"}),
    ("staff", "Don't be an idiot, test your smoke alarm", {"hate_or_abuse"}),
    ("staff", "Trading Standards warn of fraudsters cold calling in Ipswich", {"defamation"}),
    ("staff", "Fraudsters are targeting older residents, warns Trading Standards", {"defamation"}),
    ("staff", "We monitor this page Monday to Friday, 9am to 5pm", {"surveillance"}),
    ("staff", "We expect labour costs to rise; a conservative estimate is 3%", {"political"}),
    ("staff", "Photo: Suffolk County Council", {"copyright"}),
    ("personal", "Proud to work for Suffolk County Council. Views my own", {"speaking_for_council"}),
    ("member", "I've heard residents' concerns and will weigh all the evidence at the planning committee",
     {"predetermination"}),
    ("member", "I'm pleased the committee voted against the incinerator application", {"predetermination"}),
    ("member", "I will vote against the budget", {"predetermination"}),
    # rules that belong to other profiles
    ("staff", "I have already made up my mind to refuse the planning application", {"predetermination"}),
    ("staff", "Speaking on behalf of the council, we will not fund this", {"speaking_for_council"}),
    ("member", "Plans to close three libraries go to cabinet", {"controversial"}),
    ("personal", "Lovely photos of my kids at the beach", {"children"}),
    ("staff", "Mrs Smith from Adult Social Care will be at the library on Monday", {"personal_data"}),
    ("sfrs", "Suffolk Lowland Search and Rescue (SAR) joined crews at the river", {"foi_request"}),
    ("staff", "Labour shortages in care are easing, says the report", {"political"}),
]


@pytest.mark.parametrize("profile,text,absent", NOT_CAUGHT, ids=[c[1][:40] for c in NOT_CAUGHT])
def test_not_caught(profile, text, absent):
    result = check(text, profile=profile, own=OWN)
    wrong = [f for f in result.findings if f.category in absent]
    assert not wrong, wrong


def test_the_incident_rules_are_for_service_accounts_and_leave_personal_ones_to_the_learned_layer():
    # The rules' casualty and crew patterns are written for fire-service and council accounts. On a personal
    # account the same words are still incident_sensitive by the labelling guide (a casualty's age and hospital;
    # train labels firefighters' own posts this way): the learned layer judges them (tests/policy/test_checker.py).
    result = check("A 45-year-old man was taken to hospital after the fire", profile="personal", own=OWN)
    assert "incident_sensitive" not in result.categories


def test_a_councillors_own_party_post_is_not_political():
    # A councillor's own party politics is their right (2.4): not "political" on a member's account, from the
    # rules or the learned layer, while the same words on a council account need sign-off (4.2).
    text = "Vote Labour on Thursday! Our manifesto puts Suffolk first"
    assert "political" not in check(text, profile="member", own=OWN).categories
    assert "political" in check(text, profile="staff", own=OWN).categories


def test_no_rule_flags_a_category_for_a_profile_the_category_does_not_apply_to():
    # categories.toml says who each category applies to; a rule for another profile would report the category
    # where the labelling guide says it is not one (as political.party once did for councillors).
    cats = learned.load_categories(learned.LEARNED_DIR / "categories.toml")
    wrong = [(r.id, sorted(r.profiles - cats[r.category].profiles)) for r in PACK.rules
             if r.category in cats and not r.profiles <= cats[r.category].profiles]
    assert wrong == []


def test_an_incident_address_is_incident_sensitive_not_also_personal_data():
    result = check("Crews attended a house fire at 14 Church Road, Bacton", profile="sfrs", own=OWN)
    assert result.categories == ["incident_sensitive"]
    assert "village" in result.findings[0].message


def test_masked_swearing_is_caught_in_each_form():
    for word in ("f**k", "f*ck", "sh*t", "sh1t", "b*llocks", "tw@t", "w*nker", "a$$hole", "f***ing"):
        result = check(f"well {word} that", own=OWN)
        assert result.categories == ["profanity"], word


def test_repeated_stops_are_each_reported_but_sign_off_once():
    result = check("bollocks, bollocks, bollocks. Vote Labour, vote Tory", own=OWN)
    assert [f.category for f in result.findings].count("profanity") == 3
    assert [f.category for f in result.findings].count("political") == 1


def test_curly_apostrophes_from_phones_are_read_as_straight_ones():
    result = check("I\u2019ve already made up my mind on this planning application", profile="member")
    assert "predetermination" in result.categories
