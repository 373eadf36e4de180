"""All tables: one module per workflow, each listed in TABLE_MODULES (a workflow's new module is added there)."""
from . import accounts, core, crisis, feedback, foi, harassment, pause, security, signoff
from .base import Base, UTCDateTime, utcnow
from .core import (ConversationRef, Event, Identity, ProclaimedHoliday, ProcessedRequest, SendClaim,
                   Setting, SweepRun)

# Base.metadata knows a table once its module is imported: these are all of them (Alembic compares against it).
TABLE_MODULES = (accounts, core, crisis, feedback, foi, harassment, pause, security, signoff)

__all__ = ["Base", "UTCDateTime", "utcnow", "Event", "Identity", "ConversationRef", "SendClaim",
           "ProcessedRequest", "Setting", "ProclaimedHoliday", "SweepRun"]
