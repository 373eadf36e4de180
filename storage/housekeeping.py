"""Pruning the tables that only guard against repeats, so they do not grow for ever (issue 10, item 9).

A processed request key only matters while the platform might redeliver it (Slack retries within minutes;
a double click within seconds), and a send claim only while its day's sweeps run. Both are kept for a generous
retention period and then deleted; nothing else in them is needed later (the event table is the audit trail).
The inbox (finished interactions, which also guard against redelivery) and the outbox (messages sent or given
up) are pruned the same way; work still to do and messages still to send are never touched.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from .db import Database
from .models import ProcessedRequest, SendClaim
from .models.core import InboxItem, OutboxMessage

REQUEST_KEYS_KEPT = timedelta(days=7)
SEND_CLAIMS_KEPT = timedelta(days=90)   # claims double as "was it sent?" for a quarter's questions
INBOX_KEPT = REQUEST_KEYS_KEPT          # a finished interaction's key guards against a late redelivery
OUTBOX_KEPT = timedelta(days=30)        # "did that message go, and when?" for a month's questions


async def prune(db: Database, now: datetime) -> dict[str, int]:
    async with db.transaction() as session:
        keys = await session.execute(delete(ProcessedRequest).where(ProcessedRequest.at < now - REQUEST_KEYS_KEPT))
        claims = await session.execute(delete(SendClaim).where(SendClaim.claimed_at < now - SEND_CLAIMS_KEPT))
        inbox = await session.execute(delete(InboxItem).where(InboxItem.state.in_(("done", "failed")),
                                                              InboxItem.received_at < now - INBOX_KEPT))
        outbox = await session.execute(delete(OutboxMessage).where(OutboxMessage.state.in_(("sent", "failed")),
                                                                   OutboxMessage.created_at < now - OUTBOX_KEPT))
    return {"request_keys": keys.rowcount or 0, "send_claims": claims.rowcount or 0,
            "inbox": inbox.rowcount or 0, "outbox": outbox.rowcount or 0}
