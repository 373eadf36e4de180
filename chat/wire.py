"""The neutral model as JSON, for the inbox (an invocation) and the outbox (a message or a reply).

Only the model's own types are written and read back: a dataclass becomes {"$": its name, ...its fields};
dates, bytes and tuples are tagged so they come back as they went in. Anything else is refused, so nothing
but ids and text (never a client, a token or a callable) can be stored.
"""
from __future__ import annotations

import base64
import dataclasses
from datetime import date, datetime

from . import messages as m
from . import replies as r

TYPES = {cls.__name__: cls for cls in (
    m.Header, m.Text, m.Fields, m.Button, m.Buttons, m.CopyText, m.Note, m.Divider, m.Message, m.Input, m.Form,
    m.PersonRef, m.Attachment, m.MessageRef, m.UploadFile,
    r.Invocation, r.Ephemeral, r.InChannel, r.DirectMessage, r.OpenForm, r.FormErrors, r.UpdateOriginal,
)}


def dump(value):
    """JSON-ready data for a model value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple):
        return {"$tuple": [dump(v) for v in value]}
    if isinstance(value, list):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("only string keys can be stored")
        return {k: dump(v) for k, v in value.items()}
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and TYPES.get(name) is type(value):
        return {"$": name, **{f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    raise TypeError(f"{name} is not part of the neutral model and cannot be stored")


def load(data):
    """The model value `dump` wrote."""
    if isinstance(data, list):
        return [load(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "$dt" in data:
        return datetime.fromisoformat(data["$dt"])
    if "$date" in data:
        return date.fromisoformat(data["$date"])
    if "$bytes" in data:
        return base64.b64decode(data["$bytes"])
    if "$tuple" in data:
        return tuple(load(v) for v in data["$tuple"])
    if "$" in data:
        cls = TYPES.get(data["$"])
        if cls is None:
            raise ValueError(f"unknown stored type {data['$']!r}")
        value = object.__new__(cls)   # the model's own constructors reshape their arguments; set fields as stored
        for f in dataclasses.fields(cls):
            if f.name in data:
                object.__setattr__(value, f.name, load(data[f.name]))
            elif f.default is not dataclasses.MISSING:
                object.__setattr__(value, f.name, f.default)
            elif f.default_factory is not dataclasses.MISSING:
                object.__setattr__(value, f.name, f.default_factory())
            else:
                raise ValueError(f"stored {data['$']} has no {f.name}")
        return value
    return {k: load(v) for k, v in data.items()}
