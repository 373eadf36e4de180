"""docs/POLICY_COVERAGE.md stays true: every test it names exists, every section of 8.2 and of the guidance for
Members has a row, each row has a status, and the counts table matches the rows."""
from __future__ import annotations

import re
from pathlib import Path

from policy.sections import load_sections

ROOT = Path(__file__).resolve().parent.parent
NOTE = (ROOT / "docs" / "POLICY_COVERAGE.md").read_text(encoding="utf-8")
STATUSES = ("served", "partly", "not the bot's job")
PARTS = {"4.3": "## 4.3 ", "5.5": "## 5.5 ", "5.6": "## 5.6 ", "8.2": "## 8.2 ", "MG": "## Members' guidance"}


def _rows(part: str) -> list[list[str]]:
    """The clause rows of one part's table, as their cells."""
    body = NOTE.split(PARTS[part], 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in body.splitlines():
        if line.startswith("| ") and not line.startswith(("| Clause", "|---")):
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def _status(cells: list[str]) -> str:
    return next(s for s in STATUSES if cells[-1].startswith(s))


def test_every_test_named_exists():
    named = set(re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", NOTE))
    assert len(named) > 50
    missing = []
    for path, name in sorted(named):
        file = ROOT / path
        if not file.exists() or not re.search(rf"^(async )?def {name}\(", file.read_text(), re.M):
            missing.append(f"{path}::{name}")
    assert missing == []


def test_every_row_has_four_cells_a_test_and_a_status():
    for part in PARTS:
        rows = _rows(part)
        assert rows, part
        for cells in rows:
            assert len(cells) == 4, cells[0]
            assert any(cells[-1].startswith(s) for s in STATUSES), cells[0]
            if _status(cells) != "not the bot's job":
                assert "`tests/" in cells[2], cells[0]


def test_every_section_of_the_appendix_and_the_guidance_has_a_row():
    clauses = {cells[0].split(" ", 2)[1] if cells[0].startswith("8.2 ") else " ".join(cells[0].split(" ")[:2])
               for part in ("8.2", "MG") for cells in _rows(part)}
    wanted = {s.id.replace("8.2/", "") if s.id.startswith("8.2/") else s.id for s in load_sections().values()
              if (s.id.startswith("8.2/") or s.document == "members_guidance") and s.text.strip()}
    assert wanted - clauses == set()


def test_the_counts_match_the_rows():
    table = NOTE.split("## Counts", 1)[1].split("\n## ", 1)[0]
    for part in PARTS:
        line = next(x for x in table.splitlines() if x.startswith(f"| {part} |"))
        counts = [int(c) for c in line.strip().strip("|").split("|")[1:]]
        statuses = [_status(cells) for cells in _rows(part)]
        assert counts == [statuses.count(s) for s in STATUSES], part
