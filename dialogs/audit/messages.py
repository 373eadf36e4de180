"""What the export says beside the file."""
from __future__ import annotations

from chat.messages import UploadFile
from chat.wording import count as plural

from .rules import Period

TEAMS_SHOWN = 20_000         # Teams shows a bot's "file" as text, cut at this many characters


def export_file(period: Period, fmt: str, count: int, content: bytes, platform: str) -> UploadFile:
    span = f"{period.first.isoformat()} to {period.last.isoformat()}"
    comment = (f"{plural(count, 'event')} from {span}: who, when, what and the outcome (6.2). No checked post's text "
               "is ever recorded.")
    if platform == "teams" and len(content) > TEAMS_SHOWN:
        comment += (" Teams shows only the start of a file from a bot; for all of it, an operator can run "
                    f"`python -m bot audit export --from {period.first} --to {period.last} --format {fmt}`.")
    return UploadFile(filename=f"smpolicy-audit-{period.first}-to-{period.last}.{fmt}", content=content,
                      title=f"Audit trail {span}", comment=comment)
