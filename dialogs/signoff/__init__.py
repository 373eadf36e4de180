"""Sign-off for a draft post (4.2), from a verdict of "Is this OK to post?".

    rules      who signs off (the crisis approver, the manager, the Communications Team); nobody their own post
    store      the request (the draft kept only until decided), a decision applied once
    flow       the form submitted, approve, decline, telling the requester and updating every card
    messages   the form, the approver's card, the decided card, the decline form
"""
