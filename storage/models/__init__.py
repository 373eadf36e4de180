"""All tables. Each workflow adds its own module here; importing this package registers them all."""
import importlib
import pkgutil

from .base import Base, UTCDateTime, utcnow

for _info in pkgutil.iter_modules(__path__):
    if _info.name != "base":
        importlib.import_module(f"{__name__}.{_info.name}")

from .core import (ConversationRef, Event, Identity, ProclaimedHoliday, ProcessedRequest, SendClaim,  # noqa: E402
                   Setting)

__all__ = ["Base", "UTCDateTime", "utcnow", "Event", "Identity", "ConversationRef", "SendClaim",
           "ProcessedRequest", "Setting", "ProclaimedHoliday"]
