"""Verdicts reported wrong ("This verdict is wrong" on a checker verdict): the Communications Team's review queue.

This is the only place a checked draft is kept, and only because the person who reported it ticked the consent
box. Rows are deleted outright `feedback_retention_days` after they were reported (the daily purge sweep); the
event log records that a case was reported, reviewed and purged, never its text or note.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class FeedbackCase(Base):
    __tablename__ = "check_feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(String(16), unique=True)           # random, shown as fb-1a2b3c4d
    reporter: Mapped[str] = mapped_column(String(320))                  # email
    platform: Mapped[str] = mapped_column(String(10))
    draft: Mapped[str] = mapped_column(Text)
    profile: Mapped[str] = mapped_column(String(10))
    has_image: Mapped[bool] = mapped_column(Boolean, default=False)
    checker_verdict: Mapped[str] = mapped_column(String(10))            # stop | sign_off | ok
    checker_categories: Mapped[list] = mapped_column(JSON, default=list)
    correction: Mapped[str] = mapped_column(String(10))                 # what the reporter says it should be
    correction_category: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)                      # the reporter's, optional
    state: Mapped[str] = mapped_column(String(10), default="pending")   # pending | reviewed
    decision: Mapped[str | None] = mapped_column(String(10))            # agree | keep | other
    final_verdict: Mapped[str | None] = mapped_column(String(10))
    final_categories: Mapped[list | None] = mapped_column(JSON)
    corpus_text: Mapped[str | None] = mapped_column(Text)               # the reviewer's version for the corpus
    corpus_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(320))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cards: Mapped[list] = mapped_column(JSON, default=list)             # where the Communications Team's card went
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_check_feedback_created_at", "created_at"),
                      Index("ix_check_feedback_state", "state"))
