"""Requesting a new council social media account (2.5, 2.6, 3.7, 3.8, 8.2 2.3) and its onboarding (5.2-5.6).

    rules      the form's choices, names after a person (3.7), passwords in the form (5.5), who approves, the checklist
    store      filing a request; one with the same name already in the register or waiting
    flow       the form and its submission, what approval does, ticking the checklist, the weekly chaser
    messages   the form, the approval card's summary, the onboarding checklist
"""
