"""`python -m bot check feedback export [--out FILE]`: the verdicts the Communications Team reviewed, as corpus lines.

One JSON object a line in the format of policy/eval/README.md (id "fb-…", text, profile, has_image, verdict,
categories, note), the text being the reviewer's version (real people's details replaced). With --out the lines
are added to FILE, skipping cases and texts already in it, so it can be run again before the queue's retention
period deletes the cases; FILE belongs under policy/eval/train/ and is never the frozen test set, and a case
whose text is in the test or dev set is left out. Without --out the lines go to standard output. Exit 2 with one line on stderr on bad usage.

(`check-feedback` is the same command: the command line joins `check feedback` into it.)
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from chat.cli import fail
from chat.wording import count as plural
from dialogs.feedback.flow import corpus_lines
from dialogs.feedback.rules import export_refusal

PROG = "python -m bot check feedback"
EVAL_DIR = Path(__file__).resolve().parents[2] / "policy" / "eval"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("check-feedback", prog=PROG,
                              help="verdicts reported wrong: `check feedback export` writes the reviewed ones "
                                   "as training lines")
    sub = p.add_subparsers(dest="feedback_command", metavar="<feedback command>", parser_class=type(p))
    exp = sub.add_parser("export", help="the reviewed cases as JSON lines in the corpus format (policy/eval/README.md)")
    exp.add_argument("--out", metavar="FILE",
                     help="add them to FILE (under policy/eval/train/), skipping cases already in it; "
                          "default: standard output")
    exp.set_defaults(func=run_export)
    p.set_defaults(func=lambda args: fail(f"{PROG}: say what to do: export [--out FILE]"))


def _existing(path: Path) -> tuple[list[str], set[str], set[str]]:
    """(lines, ids, texts) already in an export target; a line that is not JSON stops the export."""
    if not path.exists():
        return [], set(), set()
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids, texts = set(), set()
    for n, line in enumerate(lines, 1):
        try:
            row = json.loads(line)
        except ValueError:
            raise ValueError(f"{path}: line {n} is not JSON; is it a corpus file?") from None
        ids.add(row.get("id"))
        texts.add(row.get("text"))
    return lines, ids, texts


def _held_out(eval_dir: Path) -> set[str]:
    """The texts of the test sets and dev: a reported draft that repeats one is never put into training.
    Every test*.jsonl counts, so a fresh frozen set is held out the day it lands."""
    texts = set()
    for path in [*sorted(eval_dir.glob("test*.jsonl")), eval_dir / "dev.jsonl"]:
        if path.exists():
            texts |= {json.loads(line)["text"].strip().lower()
                      for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    return texts


async def run_export(args) -> int:
    target = Path(args.out) if args.out else None
    if target is not None:
        refusal = export_refusal(target, EVAL_DIR)
        if refusal:
            return fail(f"{PROG} export: --out {args.out}: {refusal}")
        if target.is_dir():
            return fail(f"{PROG} export: --out {args.out}: that is a folder; name a .jsonl file in it")
        try:
            before, ids, texts = _existing(target)
        except (OSError, ValueError) as exc:
            return fail(f"{PROG} export: --out: {exc}")
    async with args.cli.services() as svc:
        rows = await corpus_lines(svc)
    held_out = _held_out(EVAL_DIR)
    kept = [row for row in rows if row["text"].strip().lower() not in held_out]
    skipped = f"; {len(rows) - len(kept)} left out because the test or dev set has the same text" \
        if len(kept) < len(rows) else ""
    rows = kept
    if target is None:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        print(f"{plural(len(rows), 'reviewed case')}{skipped}", file=sys.stderr)
        return 0
    new = [row for row in rows if row["id"] not in ids and row["text"] not in texts]
    # Written beside the target and renamed, so a failed run never leaves half a file behind.
    try:
        fd, tmp = tempfile.mkstemp(prefix=".feedback-", dir=str(target.resolve().parent))
    except OSError as exc:
        return fail(f"{PROG} export: --out: cannot write there ({exc.strerror})")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for line in before:
                out.write(line + "\n")
            for row in new:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
    print(f"{plural(len(new), 'reviewed case')} added to {args.out} ({len(rows) - len(new)} already there{skipped})",
          file=sys.stderr)
    return 0
