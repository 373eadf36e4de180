""""This verdict is wrong": the checker's feedback loop (issue 11, item 5; the checker is 4.2).

Every verdict carries the button. It opens a form: what the verdict should have been, optionally the category,
a note, and a consent box with a plain warning about personal data. Without the tick nothing is stored. With it,
the draft and the correction go to the Communications Team's review queue, the team's channel gets a card
without the draft, and a member of the team reviews the case with its final label. The queue is purged
`feedback_retention_days` after each report; `python -m bot check feedback export` writes the reviewed cases as
training lines (policy/eval/README.md), and the monthly summary reports the disagreement rate.

    rules      pure decisions: the button's value, the forms' checks, the final label, retention, corpus lines
    store      the queue: create with consent, review once, counts, purge
    flow       what people do: report, list, review; the purge sweep; the export's lines
    messages   what people read: the report form and its warning, the replies, the team's cards, the review form
"""
