"""FOI, EIR and subject access requests received on social media (policy 8.1; 8.2 2.5 for Fire and Rescue).

    rules      the form's checks, the type suggestion, references, due dates (no storage, no platform)
    cases      storage and every state change, each with one event
    forward    the form and what happens on submit
    delivery   the email to Information Management and the channel notices, retried until they go
    actions    done, reassign, clarify, resume, extend, list
    digest     the 09:00 working-day DMs and Information Management's summary (reports: their wording)
    holidays   a proclaimed bank holiday: due dates recomputed, owners told
    retention  the question and requester's details removed after the retention period
    texts      what the case says to people, and the email
"""
