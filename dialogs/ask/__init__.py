"""Questions about the policy (`ask`) and its sections in full (`section`). Read-only: no state, no storage.

    rules      how a section is cited, the pack's text in house style and in blocks
    messages   the answer, a section, the contents, "I don't know" and where to ask instead
"""
