"""Facebook boosting and paid advertising (2.7), refused during a mourning pause (4.4).

    rules      a link to a post, an amount in pounds
    store      a request already waiting for the same post
    flow       the form's submission, the pause check at each step, what arranging it does
    messages   the form, the approval card's summary, the budget code to confirm
"""
