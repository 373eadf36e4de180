"""Reports from the event log (6.1, 6.2): the monthly summary for the Communications Team and the policy's yearly
review.

Monthly: on the first working day of each month, the month before: checks by verdict and category, requests
decided and how fast, crises, information requests answered on time (2.1, 6.2). Every figure is read from
the events other workflows record; an event that lacks a detail is counted where it can be and never stops
the report.

Yearly (6.1: "reviewed ... annually from the date of last approval"): the policy owner is reminded once on
or after each anniversary of the last approval. That date comes from the settings table when someone has
recorded a review, otherwise from the policy pack's own date ("May 2024" -> 1 May 2024, which matches the
document control: version 1.4 of 01/05/2024, next review 01/05/2025), so another council's pack brings its own.

    rules      months, durations, review dates
    store      the month's figures and the review record, read from the event log and settings
    flow       the sweeps that send each once, `summary`, `policy-review`
    messages   the summary and the reminder
"""
