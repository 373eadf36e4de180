"""Benchmark the post checker: python bench/checker.py [--posts N] [--seed S]

Generates N varied posts of about 280 characters (half clean, half carrying one or
two problems from every category), checks each once with policy.checker.check on
one core, and prints posts/s, p50/p99 milliseconds per post and the process RSS.
Targets (issue 3): p50 under 0.3 ms, at least 3,000 posts/s, under 100 MB RSS.

This is the rules bench: it runs with the learned layer off (SMPOLICY_LEARNED=0, set here). What the whole
checker costs with its learned layer is bench/checker_cost.py; how well it judges, bench/checker_eval.py.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policy.checker import PROFILES, OwnContacts, check  # noqa: E402

TARGET_LEN = 280

CLEAN = [
    "Our libraries are open as usual this weekend, with story time on Saturday morning.",
    "Roadworks on the A14 between J28 and J29 start on Monday night; please plan ahead.",
    "Thank you to everyone who came to the consultation drop-in at Endeavour House.",
    "Bins will be collected a day later than usual over the bank holiday.",
    "Test your smoke alarm monthly. It only takes a minute and it could save your life.",
    "The event is at Christchurch Park on Saturday from 10am, with free parking nearby.",
    "Crews from Elmswell and Stowmarket attended a chimney fire in Bacton this afternoon.",
    "Apply for a school place online by 15 January: see our website for details.",
    "Our customer service team is available 9am to 5pm, Monday to Friday.",
    "Join the Suffolk walking festival: routes for every ability across the county.",
    "Fancy a career in care? Find out more at our recruitment fair in Ipswich Corn Exchange.",
    "Gritters will be out tonight on the main routes; drive carefully in icy weather.",
    "Have your say on the new cycle lanes in Bury St Edmunds before the end of March.",
    "We've planted 2,000 trees along the Gipping valley this winter with volunteers.",
    "Stay safe on the water this summer: never swim alone and know where to get help.",
    "Contact us on 01473 260588 or customer.services@suffolk.gov.uk for more information.",
    "Cockfield, Penistone and Scunthorpe residents: the assessment results are in.",
    "Charles Dickens stayed in Ipswich; find out more at the museum this half term.",
    "Meet at 10 Christchurch Park by the mansion for the guided history walk.",
    "The B1115 is closed at Stowmarket; use the A14 and M25 diversions via J28.",
]

PROBLEMS = {
    "personal_data": [
        "Please call Dave on 07911 123456 about the fence.",
        "Email jane.doe@gmail.com if you have any questions.",
        "Mrs Patel lives at 14 Church Road, Bacton IP14 4LJ.",
        "Her NI number is AB 12 34 56 C and DOB 12/03/1985.",
        "Can you send us your home address and date of birth?",
    ],
    "payment_data": [
        "Pay to sort code 12-34-56 account 12345678 by Friday.",
        "Please DM us your card details so we can take payment.",
        "Card 4111 1111 1111 1111 was used for the booking.",
    ],
    "credentials": [
        "The password for our Twitter account is Summer2024!",
        "Your 2FA code is 482913, don't lose it.",
        "We all share the login for the Facebook page.",
    ],
    "incident_sensitive": [
        "A 45-year-old man was taken to hospital after the fire.",
        "Two appliances off the run due to staff shortages tonight.",
        "Crews attended a fire at 14 Church Road; Mr Smith was rescued.",
        "Car AB12 CDE was involved in the collision on the A14.",
    ],
    "confidential": [
        "The Part 2 report on the depot sale is attached, strictly confidential.",
        "Embargoed until Monday: the closure of the day centre.",
    ],
    "hate_or_abuse": ["You absolute idiots, all of you.", "Go back to where you came from."],
    "profanity": ["What a load of bollocks.", "This is f**king ridiculous.", "Sh!t happens, wankers."],
    "defamation": ["Mr Jones of Jones Builders Ltd is a crook who ripped customers off."],
    "predetermination": ["I will be voting against the planning application for 300 homes, my mind is made up."],
    "surveillance": ["Set up a fake profile to keep an eye on the trader's Facebook page."],
    "children": ["Great photos of the kids at the Year 6 leavers' assembly!"],
    "political": ["Vote Labour on Thursday! The Tories have failed Suffolk."],
    "controversial": ["Plans to close three libraries go to cabinet.", "Council tax will rise by 4.99%."],
    "paid_promotion": ["We will boost this post on Facebook with a £50 budget."],
    "campaign": ["Today we launch our new winter safety campaign."],
    "copyright": ["Photo credit: John Smith. Image from Getty Images."],
    "speaking_for_council": ["Speaking on behalf of the council, we will not fund this."],
    "foi_request": ["Under the Freedom of Information Act please provide the number of potholes fixed."],
}

OWN = OwnContacts(
    domains=("suffolk.gov.uk", "suffolkfire.gov.uk"),
    phones=("01473 260588",),
    buildings=("Endeavour House, 8 Russell Road, Ipswich IP1 2BX",),
)


def _fill(parts: list[str], rng: random.Random) -> str:
    """Pad with clean sentences to about 280 characters, problems kept whole."""
    while sum(len(p) + 1 for p in parts) < TARGET_LEN - 40:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(CLEAN))
    text = " ".join(parts)
    return text if len(text) <= TARGET_LEN + 60 else text[: TARGET_LEN + 60].rsplit(" ", 1)[0]


def generate_posts(n: int = 10_000, seed: int = 3) -> list[tuple[str, str, bool]]:
    """(text, profile, has_image) triples: half clean, half with problems."""
    rng = random.Random(seed)
    cats = sorted(PROBLEMS)
    posts = []
    for i in range(n):
        parts = []
        if i % 2:
            for cat in rng.sample(cats, rng.choice((1, 1, 2))):
                parts.append(rng.choice(PROBLEMS[cat]))
        posts.append((_fill(parts, rng), rng.choice(PROFILES), rng.random() < 0.2))
    return posts


def _rss_mb() -> float:
    import psutil

    return psutil.Process(os.getpid()).memory_info().rss / 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args(argv)
    # The rule layers alone: this bench times them. Set here, not at import (tests import the posts).
    os.environ["SMPOLICY_LEARNED"] = "0"
    posts = generate_posts(args.posts, args.seed)
    for text, profile, image in posts[:200]:  # warm up the regex and phonenumbers caches
        check(text, profile=profile, has_image=image, own=OWN)

    # Wall-clock per post, and this thread's CPU time: on a shared machine the CPU
    # figures show what one core does when other processes compete for it.
    wall, cpu, verdicts = [], [], {"stop": 0, "sign_off": 0, "ok": 0}
    clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    start, cpu_start = clock(), cpu_clock()
    for text, profile, image in posts:
        t0, c0 = clock(), cpu_clock()
        result = check(text, profile=profile, has_image=image, own=OWN)
        cpu.append(cpu_clock() - c0)
        wall.append(clock() - t0)
        verdicts[result.verdict] += 1
    total_s, cpu_s = (clock() - start) / 1e9, (cpu_clock() - cpu_start) / 1e9

    mean_len = sum(len(t) for t, _, _ in posts) / len(posts)
    print(f"posts:           {len(posts)} (mean {mean_len:.0f} characters; "
          f"{verdicts['stop']} stop, {verdicts['sign_off']} sign_off, {verdicts['ok']} ok)")
    print(f"posts/s:         {len(posts) / total_s:,.0f} wall-clock, {len(posts) / cpu_s:,.0f} per CPU-second")
    for name, times in (("wall", wall), ("cpu", cpu)):
        times.sort()
        p50 = statistics.median(times) / 1e6
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))] / 1e6
        print(f"{name + ' per post:':16} p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {times[-1] / 1e6:.3f} ms")
    print(f"RSS:             {_rss_mb():.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
