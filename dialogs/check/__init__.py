""""Is this OK to post?" (4.2): the checker run for a person, and its verdict.

    rules      the categories in words, the command's flags, which account a draft names, where a message lives
    flow       run the checker (profile, the organisation's own details, the posting state) and record the event
    messages   the verdict and the posting checklist

Sign-off from a verdict is its own package, dialogs/signoff.
"""
