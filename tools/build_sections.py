"""Structure the policy texts into sections and write policy/pack/sections.json.

Run once when the source documents change:

    python tools/build_sections.py [SOURCE_DIR] [--out policy/pack/sections.json] [--check]

The bot never reads the source texts: it ships the generated JSON, so the pack is
self-contained. ``--check`` exits 1 if the committed JSON is out of date.

The two documents are plain-text extractions of Word/PDF files, so besides finding the
numbered headings this script removes page furniture (the "Social Media Policy" running
header, the contents pages, the document-control table), rejoins paragraphs split by a
page break, folds wrapped bullet lines back together and drops leftover markup.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/work/shared/policy")
DEFAULT_OUT = ROOT / "policy" / "pack" / "sections.json"

POLICY_FILE = "000_b4761916ca00c450.txt"
MEMBERS_FILE = "004_b3a553518bfb4dc2.txt"

RUNNING_HEADER = "Social Media Policy"
# Paragraphs ending like this are complete; anything else before a break is a candidate
# for rejoining with the next paragraph.
TERMINAL = tuple('.:;?!"\u201d\'')
# Words a sentence cannot end on: a paragraph ending with one was cut by a page break.
DANGLING = {
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the",
    "to", "with", "council's", "the", "you", "should",
}


@dataclass
class Draft:
    id: str
    title: str
    document: str
    parent: str | None
    lines: list[str] = field(default_factory=list)


class BuildError(Exception):
    pass


# ---------------------------------------------------------------- line cleaning

def clean_inline(s: str) -> str:
    """Drop markup left by the extraction and normalise spaces and dashes."""
    s = s.replace("\u00a0", " ").replace("\t", " ")
    s = re.sub(r"</?u>", "", s)
    s = s.replace("**", "")
    s = re.sub(r"^- *\u00b7\s*", "- ", s)       # "- · To support" -> "- To support"
    s = re.sub(r"\.\s+\.(?=\s)", ".", s)          # "stakeholders. . Ensure" -> "stakeholders. Ensure"
    s = re.sub(r"\s{2,}", " ", s)
    return s.rstrip()


def paragraphs(lines: list[str]) -> list[str]:
    """Turn raw lines into paragraphs.

    A blank line ends a paragraph. The extraction puts each paragraph on one line, so an
    indented line continues the previous one (a wrapped bullet) while an unindented line
    is a line of its own (an address block). A "- " line starts a list item; consecutive
    items stay in one block separated by newlines so the list reads as a list.
    """
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in lines:
        if not raw.strip():
            if current:
                blocks.append(current)
                current = []
            continue
        line = clean_inline(raw).strip()
        if raw.startswith((" ", "\t")) and current and not line.startswith("- "):
            current[-1] = current[-1] + " " + line
        else:
            current.append(line)
    if current:
        blocks.append(current)
    # A blank-separated run of bullet items is still one list.
    merged: list[list[str]] = []
    for block in blocks:
        if merged and block[0].startswith("- ") and merged[-1][-1].startswith("- "):
            merged[-1].extend(block)
        else:
            merged.append(block)
    return ["\n".join(b) for b in merged]


def needs_join(prev: str, nxt: str, page_break: bool) -> bool:
    """Was this paragraph break really a page break in the middle of a sentence?"""
    if not prev or not nxt or prev.endswith(TERMINAL) or nxt.startswith("- "):
        return False
    last_word = prev.rsplit(None, 1)[-1].lower()
    if nxt[0].islower() or nxt[0] == "(" or re.match(r"[\w.]+@[\w.]+", nxt):
        return True
    if prev.rsplit("\n", 1)[-1].startswith("- "):
        return False   # a list item followed by a sub-heading, not a broken sentence
    if last_word in DANGLING:
        return True
    # A long unfinished paragraph across a running header; short ones are sub-headings.
    return page_break and len(prev) > 80


def clean_body(lines: list[str]) -> str:
    """Paragraphs of one section with running headers removed and broken ones rejoined."""
    # Mark running headers; they are dropped but remembered as page breaks.
    marked: list[str] = []
    for line in lines:
        if line.strip() == RUNNING_HEADER:
            marked.append("\x0c")
        else:
            marked.append(line)
    out: list[str] = []
    page_break = False
    chunk: list[str] = []

    def flush() -> None:
        nonlocal page_break
        for para in paragraphs(chunk):
            if out and needs_join(out[-1], para, page_break):
                out[-1] = out[-1] + " " + para
            elif (out and page_break and para.startswith("- ")
                  and out[-1].rsplit("\n", 1)[-1].startswith("- ")):
                out[-1] = out[-1] + "\n" + para   # a list running over a page break
            else:
                out.append(para)
            page_break = False
        chunk.clear()

    for line in marked:
        if line == "\x0c":
            flush()
            page_break = True
        else:
            chunk.append(line)
    flush()
    return "\n\n".join(out).strip()


# ---------------------------------------------------------------- headings

# Each document's numbered headings: (a top-level heading, a sub-heading), as its lines are written.
HEADINGS = {
    "policy": (re.compile(r"^([1-8]) ([A-Z][A-Za-z ,'&/()-]+)$"), re.compile(r"^([1-8]\.\d{1,2}) (\S.*)$")),
    "fire": (re.compile(r"^([1-6])\.? (\S.*)$"), re.compile(r"^([1-6]\.\d) (\S.*)$")),
    "members": (re.compile(r"^([1-9])\. (\S.*)$"), re.compile(r"^([1-9]\.\d) (\S.*)$")),
}


def title_of(s: str) -> str:
    return clean_inline(s).strip().rstrip(":")


def find_line(lines: list[str], text: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if lines[i].strip() == text:
            return i
    raise BuildError(f"heading {text!r} not found after line {start + 1}")


def split_numbered(lines, head_re, sub_re, make_id, parent_of, document, root_parent):
    """Split lines at numbered headings; text before the first heading is returned apart."""
    drafts: list[Draft] = []
    preamble: list[str] = []
    for line in lines:
        stripped = line.strip()
        m = sub_re.match(stripped) or head_re.match(stripped)
        if m and len(stripped) < 120 and not line.startswith((" ", "\t")):
            num = m.group(1)
            drafts.append(Draft(make_id(num), title_of(m.group(2)), document,
                                parent_of(num) or root_parent))
            continue
        (drafts[-1].lines if drafts else preamble).append(line)
    return preamble, drafts


def parent_number(num: str) -> str | None:
    return num.rsplit(".", 1)[0] if "." in num else None


def build_policy(text: str) -> tuple[list[Draft], dict]:
    lines = text.splitlines()
    # Version from the change history: its last row is the current issue.
    history = [m.groups() for m in
               (re.match(r"^(\d+(?:\.\d+)*)\t(\d\d)/(\d\d)/(\d{4})\t", ln) for ln in lines) if m]
    if not history:
        raise BuildError("policy: change history not found")
    version, _day, month, year = history[-1]
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    meta = {"title": "Social Media Policy", "organisation": "Suffolk County Council",
            "version": version, "date": f"{months[int(month) - 1]} {year}", "source": POLICY_FILE}

    # The body starts at the second "1 Introduction" (the first is in the contents).
    toc = find_line(lines, "Table of Contents")
    start = find_line(lines, "1 Introduction", toc)
    fire = find_line(lines, "8.2 Suffolk Fire and Rescue Service", start)
    members = find_line(lines, "8.3", fire)

    _, main = split_numbered(lines[start:fire], *HEADINGS["policy"], lambda n: n,
                             parent_number, "policy", None)

    fire_drafts = [Draft("8.2", "Suffolk Fire and Rescue Service", "policy", "8")]
    pre, subs = split_numbered(lines[fire + 1:members], *HEADINGS["fire"],
                               lambda n: f"8.2/{n}",
                               lambda n: f"8.2/{parent_number(n)}" if "." in n else None,
                               "policy", "8.2")
    fire_drafts[0].lines = pre
    fire_drafts += subs

    # 8.3 has no numbered parts: one section, its title line dropped from the text.
    title_line = find_line(lines, "SOCIAL MEDIA PROTOCOL FOR MEMBERS", members)
    protocol = Draft("8.3", "Social Media Protocol for Members", "policy", "8",
                     lines[title_line + 1:])
    return main + fire_drafts + [protocol], meta


def build_members(text: str) -> tuple[list[Draft], dict]:
    lines = text.splitlines()
    title = "Social Media guidance for Members"
    first = find_line(lines, title)
    m = re.search(r"last reviewed in \**(\d{4})", text)
    if not m:
        raise BuildError("members guidance: review year not found")
    meta = {"title": title, "organisation": "Suffolk County Council", "version": m.group(1),
            "date": m.group(1), "source": MEMBERS_FILE}
    pre, drafts = split_numbered(lines[first + 1:], *HEADINGS["members"], lambda n: f"MG {n}",
                                 lambda n: f"MG {parent_number(n)}" if "." in n else None,
                                 "members_guidance", None)
    if any(ln.strip() for ln in pre):
        raise BuildError("members guidance: text before section 1")
    return drafts, meta


def build(source: Path) -> dict:
    policy, pmeta = build_policy((source / POLICY_FILE).read_text(encoding="utf-8"))
    members, mmeta = build_members((source / MEMBERS_FILE).read_text(encoding="utf-8"))
    seen: set[str] = set()
    sections = []
    for d in policy + members:
        if d.id in seen:
            raise BuildError(f"duplicate section id {d.id}")
        if d.parent is not None and d.parent not in seen:
            raise BuildError(f"section {d.id}: parent {d.parent} comes later or is missing")
        seen.add(d.id)
        sections.append({"id": d.id, "title": d.title, "document": d.document,
                         "parent": d.parent, "text": clean_body(d.lines)})
    return {
        "format": 1,
        "policy_version": (f"{pmeta['organisation'].split()[0]} {pmeta['title']} "
                           f"{pmeta['version']} ({pmeta['date']}); Members guidance {mmeta['version']}"),
        "documents": {"policy": pmeta, "members_guidance": mmeta},
        "sections": sections,
    }


def render(pack: dict) -> str:
    return json.dumps(pack, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="exit 1 if --out is out of date")
    args = ap.parse_args(argv)
    try:
        text = render(build(args.source))
    except (BuildError, OSError) as exc:
        print(f"build_sections: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"build_sections: {args.out} is out of date", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(json.loads(text)['sections'])} sections)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
