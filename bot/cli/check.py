"""`python -m bot check`: "Is this OK to post?" from the command line (issue 3).

    python -m bot check "text" [--profile P] [--image] [--json]   one draft, readable (or JSON) output
    python -m bot check --jsonl < drafts.jsonl                     {"text", "profile", "has_image"} a line
    python -m bot check --csv calendar.csv                         a scheduling tool's export

Exit 1 when any verdict is stop, 2 on bad usage or input (one line on stderr, with the line number),
0 otherwise. The organisation's own email domains, published numbers and public buildings (not personal
data) come from the organisation file named by SMPOLICY_CONFIG. Nothing checked is stored.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import stat
import sys
from pathlib import Path

from policy.checker import PROFILES, CheckResult, OwnContacts, check
from policy.learned import prefetch

TEXT_COLUMNS = ("text", "message", "post")  # a scheduling tool's export calls it one of these
PROG = "python -m bot check"


class BadInput(Exception):
    """One line for stderr; the command exits 2."""


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("check", help='"Is this OK to post?": check drafts against the policy (4.2)',
                              description=__doc__.split("\n\n")[1])
    p.add_argument("text", nargs="?", help="the draft to check ('-' reads it from stdin)")
    p.add_argument("--profile", "--as", dest="profile", default="staff", type=_profile, metavar="PROFILE",
                   help="whose account it is for: staff (default), sfrs, member or personal")
    p.add_argument("--image", action="store_true", help="the post has a photo or video")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--jsonl", action="store_true",
                        help='read {"text", "profile", "has_image"} a line from stdin, write one result a line')
    source.add_argument("--csv", metavar="FILE",
                        help="check the text, message or post column; results go to FILE's name + .results.csv")
    p.set_defaults(func=run)


PROFILE_MEANING = {"staff": "a council account", "sfrs": "a fire and rescue service account",
                   "member": "a councillor's account", "personal": "your own account"}


def _profile(raw: str) -> str:
    """A profile name, forgiving case; an unknown one says what each profile is for."""
    name = raw.strip().lower()
    if name in PROFILES:
        return name
    known = ", ".join(f"{p} ({PROFILE_MEANING.get(p, p)})" for p in PROFILES)
    raise argparse.ArgumentTypeError(f"unknown profile {raw!r}: use one of {known}")


def run(args) -> int:
    try:
        if (args.jsonl or args.csv) and args.text is not None:
            raise BadInput("give the text or --jsonl or --csv, not both")
        own = own_contacts()
        if args.jsonl:
            return _run_jsonl(sys.stdin, sys.stdout, args.profile, own)
        if args.csv:
            return _run_csv(Path(args.csv), args.profile, args.image, own)
        return _run_one(args, own)
    except BadInput as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2


def own_contacts() -> OwnContacts:
    """The organisation's own details from the organisation file (none without SMPOLICY_CONFIG)."""
    from chat.orgconfig import ConfigError, load_config
    from bot.settings import load_settings

    try:
        config = load_config(load_settings().config_path)
    except ConfigError as exc:
        raise BadInput(str(exc)) from None
    return OwnContacts(tuple(config.email_domains), tuple(config.published_phones), tuple(config.public_buildings))


# --- one draft -----------------------------------------------------------------------

def _run_one(args, own: OwnContacts) -> int:
    text = args.text
    if text is None:
        raise BadInput('give the text to check, e.g. python -m bot check "Join us on Saturday", '
                       "or use --jsonl or --csv")
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise BadInput("the text to check is empty")
    result = check(text, profile=args.profile, has_image=args.image, own=own)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print(readable(result, args.profile, text))
    return 1 if result.verdict == "stop" else 0


HEADLINES = {
    "stop": "STOP: please don't post this as it is.",
    "sign_off": "GET SIGN-OFF before you post this.",
    "ok": "OK to post, after the checklist below.",
}


def readable(result: CheckResult, profile: str, text: str) -> str:
    lines = [f"Verdict: {HEADLINES[result.verdict]}", f"(checked as {profile} against {result.policy_version})", ""]
    if result.findings:
        lines.append("Findings:")
        for f in result.findings:
            lines.append(f"  [{f.severity}] {f.category}: {f.message}")  # the message cites its section
            words = f.words(text)
            if words:
                lines.append("      Words that raised it: " + ", ".join(f"“{w}”" for w in words))
        lines.append("")
    lines.append("Before you post:")
    lines += [f"  - {item}" for item in result.checklist]
    return "\n".join(lines)


# --- JSON lines ----------------------------------------------------------------------

def _parse_line(raw: str, n: int, default_profile: str) -> tuple[str, str, bool]:
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadInput(f"line {n}: not valid JSON ({exc.msg})") from None
    if not isinstance(item, dict):
        raise BadInput(f'line {n}: expected an object like {{"text": "..."}}')
    text = item.get("text")
    if not isinstance(text, str):
        raise BadInput(f'line {n}: "text" must be a string')
    if not text.strip():   # as for one draft: nothing to check is not "ok to post"
        raise BadInput(f'line {n}: "text" is empty: there is nothing to check')
    profile = item.get("profile", default_profile)
    if profile is None:
        profile = default_profile
    if profile not in PROFILES:
        raise BadInput(f'line {n}: "profile" must be one of {", ".join(PROFILES)}, not {profile!r}')
    has_image = item.get("has_image", False)
    if not isinstance(has_image, bool):
        raise BadInput(f'line {n}: "has_image" must be true or false')
    return text, profile, has_image


def _is_file(stream) -> bool:
    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):
        return False


def _run_jsonl(stdin, stdout, default_profile: str, own: OwnContacts) -> int:
    """One result a line, in order, written as we go; a bad line stops the run (exit 2).
    From a file (< drafts.jsonl) the texts are read ahead and encoded in batches; from a pipe each
    line is answered as it comes, so a program can talk to this one line at a time."""
    stop = False
    lines = list(stdin) if _is_file(stdin) else stdin
    with prefetch(_texts(lines) if isinstance(lines, list) else ()):
        for n, raw in enumerate(lines, 1):
            if not raw.strip():
                continue  # blank lines carry no draft; numbering still follows the file
            text, profile, has_image = _parse_line(raw, n, default_profile)
            result = check(text, profile=profile, has_image=has_image, own=own)
            stop = stop or result.verdict == "stop"
            stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            stdout.flush()
    return 1 if stop else 0


def _texts(lines: list[str]) -> list[str]:
    """The texts about to be checked, for encoding ahead (a bad line is reported when it is reached)."""
    out = []
    for raw in lines:
        try:
            item = json.loads(raw) if raw.strip() else None
        except json.JSONDecodeError:
            continue
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            out.append(item["text"])
    return out


# --- CSV (a content calendar) ----------------------------------------------------------

def results_path(path: Path) -> Path:
    return path.with_name(path.stem + ".results.csv")


def _read_rows(path: Path) -> tuple[str, list[dict]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:  # Excel writes a byte-order mark
            reader = csv.DictReader(fh)
            headers = {h.strip().lower(): h for h in (reader.fieldnames or []) if h}
            column = next((headers[c] for c in TEXT_COLUMNS if c in headers), None)
            if column is None:
                raise BadInput(f"{path}: no column called text, message or post "
                               f"(found: {', '.join(reader.fieldnames or []) or 'no header row'})")
            return column, list(reader)
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text; save it as CSV UTF-8") from None
    except csv.Error as exc:
        raise BadInput(f"{path}: not a readable CSV file ({exc})") from None


def _run_csv(path: Path, profile: str, has_image: bool, own: OwnContacts) -> int:
    column, rows = _read_rows(path)
    out = results_path(path)
    counts = {"stop": 0, "sign_off": 0, "ok": 0}
    texts = [row.get(column) or "" for row in rows]
    empty = 0
    try:
        with open(out, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["row", "verdict", "categories", "sections", "messages"])
            with prefetch([t for t in texts if t.strip()]):  # encoded in batches, ahead
                for n, text in enumerate(texts, 1):
                    if not text.strip():
                        # A calendar's empty row (a date with no post yet) is not "ok to post": it is not checked,
                        # and the row says so; the rest of the calendar still is.
                        empty += 1
                        writer.writerow([n, "", "", "", f"No text in the {column} column, so nothing was checked."])
                        continue
                    result = check(text, profile=profile, has_image=has_image, own=own)
                    counts[result.verdict] += 1
                    writer.writerow([
                        n,
                        result.verdict,
                        "; ".join(result.categories),
                        "; ".join(dict.fromkeys(f.section for f in result.findings)),
                        " | ".join(dict.fromkeys(f.message for f in result.findings)),
                    ])
    except OSError as exc:
        raise BadInput(f"{out}: cannot write the results ({exc.strerror or exc})") from None
    not_checked = ("" if not empty else "; 1 row with no text was not checked" if empty == 1
                   else f"; {empty} rows with no text were not checked")
    print(f"Checked {len(rows) - empty} posts: {counts['stop']} stop, {counts['sign_off']} sign_off, "
          f"{counts['ok']} ok{not_checked}. Results: {out}")
    return 1 if counts["stop"] else 0
