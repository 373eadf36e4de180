"""The account request's pure decisions: the form's choices, a name after a person (3.7), a password in the
form (5.5), who approves (2.3, 2.5, 3.7, 8.2 2.3), the onboarding checklist (5.2-5.6)."""
from __future__ import annotations

import re

from chat.errors import BadInput
from chat.quoting import inert
from chat.services import Services
from dialogs.approvals.rules import Step
from dialogs.register.rules import ACCESS_PLATFORM, PLATFORMS
from storage.models.accounts import SocialAccount

ON_PLATFORM = ACCESS_PLATFORM   # what the single access platform supports (5.5)
KINDS = (("service", "A service account"), ("professional", "An officer's professional account (3.7)"),
         ("station", "A fire station account (SFRS)"))
RUN_BY = (("council", "Council staff, or people the council authorises (1.3)"),
          ("partnership", "A partner organisation, directly (not council staff)"))
# A light heuristic for "named after a person" (3.7): common first names, a title, or someone we know.
FIRST_NAMES = set("""
aaron abbie abdul abigail adam adrian aidan aisha alan alex alexander alexandra alfie ali alice alison amanda amber
amelia amy andrea andrew andy angela ann anna anne anthony archie arthur ashley barbara barry becky ben benjamin beth
bethany bill bob brenda brian callum cameron carl carol caroline catherine charles charlie charlotte chloe chris
christine christopher claire clare colin connor craig daisy dan daniel darren dave david dawn dean debbie deborah
declan denise dennis derek diane dominic donna dylan edward eileen eleanor elizabeth ella ellie emily emma eric erin
ethan eve evie fatima fiona florence frances frank freddie freya gail gareth gary gavin gemma george georgia
gillian graham grace hannah harriet harry harvey hayley heather helen henry holly ian imogen isaac isabel isabella
isla jack jackie jacob jade jake james jamie jane janet jason jasmine jay jean jennifer jenny jessica jill jo joan
joanne joe john jon jonathan jordan joseph josh joshua joyce julia julie june karen kate katherine kathleen katie
kay keith kelly kevin kieran kim kirsty laura lauren leah lee leo lewis liam lily linda lisa logan louis louise
lucy luke lydia lynn maisie margaret maria marie mark martin mary matt matthew maureen max megan melanie michael
michelle mike millie mohammed mohammad molly muhammad nancy naomi natalie nathan neil nicholas nicola nigel noah
oliver olivia oscar owen pamela patricia patrick paul paula pauline peter philip phoebe poppy priya rachel raj
rebecca richard rob robert robyn rose rosie ross ruby russell ruth ryan sally sam samantha samuel sandra sara sarah
scott sean shane sharon sheila simon sophie stacey stephanie stephen steve steven stuart susan suzanne teresa
theo thomas tim timothy toby tom tony tracey tracy trevor vanessa victoria vincent wayne wendy william zoe
""".split())
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "cllr", "councillor", "sir", "dame", "prof"}
SERVICE_WORDS = set("""
council county suffolk team service services library libraries highways fire rescue station school schools care
trading standards museum archive archives hub centre center news info information official support partnership
project programme youth adult adults children family families health public road roads transport waste recycling
parks countryside records office jobs careers events travel safety community communities learning skills
""".split())
PASSWORD = re.compile(r"\b(password|passcode|passwd|pwd|login details)\b\s*(is|was|:|=|-)", re.I)
HOURS = re.compile(r"\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|mon|tue|wed|thu|fri", re.I)


def looks_like_a_person(name: str, known_names) -> bool:
    """True for "Jo Smith", "Dr Patel", the requester's own name or an administrator's (3.7)."""
    low = " ".join(name.lower().split())
    for known in known_names:
        known = " ".join((known or "").lower().split())
        if known and "@" not in known and (low == known or (len(known.split()) > 1 and known in low)):
            return True
    words = re.sub(r"[^A-Za-z' -]", " ", name).split()
    if not words or any(w.lower() in SERVICE_WORDS for w in words):
        return False
    if words[0].lower().rstrip(".") in TITLES and len(words) >= 2:
        return True
    return 2 <= len(words) <= 3 and words[0].lower() in FIRST_NAMES and all(w[:1].isupper() for w in words)


def route(svc: Services, requester: str, d: dict, nm: dict, channel: str | None) -> list[Step]:
    manager = d["manager"]
    steps = [Step("manager", "Manager's authorisation", f"{nm.get(manager, manager)} (the line manager)", "2.3",
                  person=manager, approve="Confirm authorisation", done="authorised")]
    fire = d["kind"] == "station" or svc.config.profile_for(requester, channel) == "sfrs"
    if fire:
        steps.append(Step("sfrs", "SFRS business support", "SFRS business support", "8.2 2.3",
                          role="sfrs_business_support", channel="sfrs_business_support"))
    if fire and d["kind"] in ("professional", "station"):
        # 8.2 5.5: without the Chief Fire Officer's and the head of communications' permission it is not official.
        steps.append(Step("cfo", "Chief Fire Officer", "the Chief Fire Officer", "8.2 5.5",
                          role="chief_fire_officer"))
        steps.append(Step("head", "Head of Communications", "the head of communications", "8.2 5.5",
                          role="head_of_comms"))
    elif d["kind"] == "professional":
        steps.append(Step("head", "Head of Communications", "the head of communications", "3.7",
                          role="head_of_comms"))
    else:
        steps.append(Step("comms", "Communications Team", "the Communications Team", "2.5", role="comms_team",
                          also=("head_of_comms",), channel="comms_team"))
    for step in steps:
        if step.role and not svc.config.members(step.role) and not svc.config.channels.get(step.channel or ""):
            raise BadInput(f"Nobody is set up as {step.label} in the organisation file yet, so I can't send "
                           f"this on. Please tell the Communications Team.")
    return steps


def checklist(acct: SocialAccount, fire_service: bool = False) -> list[tuple[str, str, str, str]]:
    """(key, button label, what to do, section) for this account's onboarding; `fire_service`: an SFRS account
    (a station account, or one its requester runs under the fire-service profile)."""
    fire_service = fire_service or acct.kind == "station"
    items = []
    if acct.platform.lower() in {label.lower() for key, label in PLATFORMS if key in ON_PLATFORM}:
        items.append(("platform", "On the platform", "Added to the single access platform (Orlo), with its "
                      "administrators trained on it: ask the Communications Team", "5.2–5.4"))
    else:
        items.append(("login", "Login registered", "Login registered with the Communications Team so the council "
                      "can always get in. Give it to them directly, never in chat: I never ask for or keep "
                      "passwords", "5.5"))
    items += [("2fa", "Two-factor on", "Two-factor authentication turned on", "5.6"),
              # 8.2 2.1: fire-service administrators have read the policy with its appendix, and had SCC's training.
              ("training", "Training done", "Every administrator has read the Social Media Policy, including its "
               "Fire and Rescue appendix, and had the council's social media training", "8.2 2.1")
              if fire_service else
              ("training", "Training done", "Every administrator has had social media training", "2.8"),
              ("bio", "Bio hours", f"The bio says when it is monitored: “{inert(acct.monitored_hours)}”", "3.8"),
              ("branding", "Name and branding", "Named after the role or service, not a person, with corporate "
               "branding" + (", saying it is a professional account and linking to the service's pages"
                             if acct.kind == "professional" else ""), "3.7")]
    if acct.kind == "station":
        items.append(("sfrs_admin", "SFRS admin rights", "The SFRS social media administrator has admin rights "
                      "on the account", "8.2 2.4"))
    if fire_service:
        items.append(("safeguarding", "Safeguarding training", "Every administrator has done basic safeguarding "
                      "training, arranged through the SFRS Safeguarding Manager in the Prevention team", "8.2 3.2"))
    return items
