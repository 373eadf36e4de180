"""The approval card shared by account requests and boosts (2.3, 2.5, 2.7, 3.7, 8.2 2.3).

    rules      the kinds of request, their steps, who may decide a step, button values
    store      loading a request, the one conditional write, the copies of the card
    flow       announce, approve, reject, ask, answer, status and the daily chaser
    messages   the card, status lines and the small forms its buttons open
"""
