"""Suspected information security breaches reported to Information Management from a checker verdict (2.10).

A row holds the reference, who reported it, the kinds of material the checker found (category names) and the
email's progress; never the post or the secret. `token` is the verdict's button value, so a second click on
the same verdict finds the first report instead of making another.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class SecurityReport(Base):
    __tablename__ = "security_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)   # IS-2026-0001, set once saved
    token: Mapped[str] = mapped_column(String(40), unique=True)
    reporter: Mapped[str] = mapped_column(String(320))                       # email
    platform: Mapped[str] = mapped_column(String(10))
    categories: Mapped[list] = mapped_column(JSON, default=list)
    email_state: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
