"""The accounts register (2.2, 2.5, 5.5): who runs which account, leavers and their password tasks, yearly reviews.
Its own package, which the account-request workflow calls; it calls no other workflow.

    rules      the platforms, who reviews an account, weekly keys
    store      who administers which account; an approved request entering the register
    flow       the register as a list, leavers, password tasks, yearly reviews
    messages   the password task's message
"""
