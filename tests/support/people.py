"""The people in tests/support/org.toml, as Slack and Teams know them."""

SLACK_USERS = {
    "USTAFF": {"email": "staff@example.gov.uk", "name": "Sam Staff"},
    "UMANAGER": {"email": "manager@example.gov.uk", "name": "Mo Manager"},
    "UCOMMS": {"email": "comms@example.gov.uk", "name": "Cam Comms"},
    "UCOMMS2": {"email": "comms2@example.gov.uk", "name": "Cat Comms"},
    "UHEAD": {"email": "head@example.gov.uk", "name": "Hal Head"},
    "USFRS": {"email": "sfrs.support@examplefire.gov.uk", "name": "Sid Support"},
    "UFIRE": {"email": "firefighter@examplefire.gov.uk", "name": "Fran Fire"},
    "UIM": {"email": "im@example.gov.uk", "name": "Ida Info"},
    "UOWNER": {"email": "owner@example.gov.uk", "name": "Olu Owner"},
    "UBUDGET": {"email": "budget@example.gov.uk", "name": "Bea Budget"},
    "UCLLR": {"email": "cllr@example.gov.uk", "name": "Cllr Chris"},
    "ULEAD": {"email": "lead@example.gov.uk", "name": "Lee Lead"},
    "UOTHER": {"email": "other@example.gov.uk", "name": "Oz Other"},
    "UCFO": {"email": "cfo@examplefire.gov.uk", "name": "Cy Chief"},
    "USFRSADMIN": {"email": "sfrs.admin@examplefire.gov.uk", "name": "Ash Admin"},
}

TEAMS_USERS = {
    "29:staff": {"email": "staff@example.gov.uk", "name": "Sam Staff", "aad": "aad-staff"},
    "29:manager": {"email": "manager@example.gov.uk", "name": "Mo Manager", "aad": "aad-manager"},
    "29:comms": {"email": "comms@example.gov.uk", "name": "Cam Comms", "aad": "aad-comms"},
    "29:head": {"email": "head@example.gov.uk", "name": "Hal Head", "aad": "aad-head"},
    "29:im": {"email": "im@example.gov.uk", "name": "Ida Info", "aad": "aad-im"},
    "29:other": {"email": "other@example.gov.uk", "name": "Oz Other", "aad": "aad-other"},
    "29:budget": {"email": "budget@example.gov.uk", "name": "Bea Budget", "aad": "aad-budget"},
    "29:fire": {"email": "firefighter@examplefire.gov.uk", "name": "Fran Fire", "aad": "aad-fire"},
    "29:comms2": {"email": "comms2@example.gov.uk", "name": "Cat Comms", "aad": "aad-comms2"},
    "29:cfo": {"email": "cfo@examplefire.gov.uk", "name": "Cy Chief", "aad": "aad-cfo"},
    "29:sfrsadmin": {"email": "sfrs.admin@examplefire.gov.uk", "name": "Ash Admin", "aad": "aad-sfrsadmin"},
    "29:cllr": {"email": "cllr@example.gov.uk", "name": "Cllr Chris", "aad": "aad-cllr"},
}


def slack_id(email: str) -> str:
    return next(uid for uid, u in SLACK_USERS.items() if u["email"] == email)


def teams_id(email: str) -> str:
    return next(uid for uid, u in TEAMS_USERS.items() if u["email"] == email)
