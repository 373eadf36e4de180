"""The audit trail export (6.2: "Compliance with this policy ... will be subject to corporate review by Internal
Audit"): every event between two dates, as CSV or JSON Lines, with who, when, what and the outcome.

Never the text of a checked post: the checker's events hold a hash, its verdict and its categories only
(dialogs/check/flow.py). As a second guard, free-text detail keys another workflow might add (a note, a draft)
are replaced by their length here, so a file given to auditors cannot carry a post or someone's personal data.

    rules      the period, what a row shows, redaction
    store      the event log in batches
    flow       writing the file, and the chat export (recorded itself)
    messages   what the export says beside the file
"""
