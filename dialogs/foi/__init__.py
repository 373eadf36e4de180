"""FOI, EIR and subject access requests received on social media (policy 8.1; 8.2 2.5 for Fire and Rescue).

The model for a workflow package (docs/DEVELOPING.md): the same four files in every workflow, and a module for
each separate job a larger one runs.

    rules      pure decisions: the form's checks, the type suggestion, references, due dates (no storage, no platform)
    store      storage: reading cases, and each state change with its one event
    flow       what people do: forward (the form and its submission), done, reassign, clarify, resume, extend, list
    messages   what people read: the form, the confirmation with the customer replies, the email, notices, the
               daily DM and Information Management's summary
    delivery   the email to Information Management and the channel notices, retried until they go
    digest     the 09:00 working-day DMs and Information Management's summary
    holidays   a proclaimed bank holiday: due dates recomputed, owners told
    retention  the question and requester's details removed after the retention period
"""
