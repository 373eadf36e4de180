"""What every migration repeats, written once: a table's columns as a short spec, its id and primary key, and its
foreign keys, unique constraints and indexes named the way the models' naming convention names them
(storage/models/base.py).

A column spec has one column a line: its name, its type, `?` after the type when it may be empty, and
`default X` for a server default:

    reference      str(20)
    received       date
    link           str(1000)?
    runs           int  default 0

Types: int, bool, date, text (unlimited), json, utc (a moment, stored in UTC), email (a person, 320 characters),
str(N). A revision is frozen once released, so these only spell what the revisions said before: the schema
they make is the same to the letter (tools/schema_dump.py prints it, on SQLite and PostgreSQL, to compare
before and after). Never change what one of these produces; add to it instead.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")   # tables that grow without end (events, claims)
_TYPES = {"int": sa.Integer, "bool": sa.Boolean, "date": sa.Date, "text": sa.Text, "json": sa.JSON,
          "utc": lambda: UTCDateTime(timezone=True), "email": lambda: sa.String(length=320)}
_LINE = re.compile(r"(?P<name>\w+)\s+(?P<type>\w+)(?:\((?P<size>\d+)\))?(?P<optional>\?)?"
                   r"(?:\s+default\s+(?P<default>\S+))?")


def columns(spec: str) -> list[sa.Column]:
    """The columns a spec lists, in its order."""
    found = []
    for line in filter(None, (raw.strip() for raw in spec.splitlines())):
        parts = _LINE.fullmatch(line)
        if parts is None or (parts["type"] == "str") != bool(parts["size"]) or \
                (parts["type"] != "str" and parts["type"] not in _TYPES):
            raise ValueError(f"not a column: {line!r}")
        type_ = sa.String(length=int(parts["size"])) if parts["size"] else _TYPES[parts["type"]]()
        extra = {"server_default": parts["default"]} if parts["default"] else {}
        found.append(sa.Column(parts["name"], type_, nullable=bool(parts["optional"]), **extra))
    return found


def create_table(name: str, spec: str, *, key: str = "id", big_id: bool = False,
                 foreign: tuple[tuple[str, str, str | None], ...] = (), unique: tuple[tuple[str, ...], ...] = (),
                 indexes: dict[str, list[str]] | None = None) -> None:
    """A table: an autoincrementing `id` first (`key="id"`; `big_id` for BIG_ID) or the primary key column named
    by `key` among its columns; then `foreign` ((column, "table.column", ondelete)), the primary key and `unique`
    (column tuples), named as the naming convention would; then `indexes` (name -> columns)."""
    head = [sa.Column("id", BIG_ID if big_id else sa.Integer(), autoincrement=True, nullable=False)] \
        if key == "id" else []
    constraints = [sa.ForeignKeyConstraint([column], [target], ondelete=ondelete,
                                           name=op.f(f"fk_{name}_{column}_{target.split('.')[0]}"))
                   for column, target, ondelete in foreign]
    constraints.append(sa.PrimaryKeyConstraint(key, name=op.f(f"pk_{name}")))
    constraints += [sa.UniqueConstraint(*cols, name=op.f(f"uq_{name}_{'_'.join(cols)}")) for cols in unique]
    op.create_table(name, *head, *columns(spec), *constraints)
    for index, cols in (indexes or {}).items():
        op.create_index(op.f(index), name, cols, unique=False)


def drop_table(name: str) -> None:
    """The table, with its indexes and constraints."""
    op.drop_table(name)


def add_columns(table: str, spec: str, indexes: dict[str, list[str]] | None = None) -> None:
    """Columns added to a table that exists (in batch, so SQLite can too), then `indexes` (name -> columns)."""
    with op.batch_alter_table(table) as batch:
        for column in columns(spec):
            batch.add_column(column)
        for index, cols in (indexes or {}).items():
            batch.create_index(index, cols)


def drop_columns(table: str, *names: str, indexes: tuple[str, ...] = ()) -> None:
    """What add_columns added, taken away: the indexes, then the columns in the order given."""
    with op.batch_alter_table(table) as batch:
        for index in indexes:
            batch.drop_index(index)
        for name in names:
            batch.drop_column(name)
