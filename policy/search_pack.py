"""The search engine's word lists: policy/pack/synonyms.toml and commands.toml, loaded and checked.

policy/search.py builds its concepts and audiences from these; a malformed file raises PackError
naming the file, so a bad edit to the pack fails at start-up rather than on a question.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from policy.sections import PACK_DIR, PackError, load_pack
from policy.text_normalise import Key, phrase_key

SYNONYMS_FILE = "synonyms.toml"
COMMANDS_FILE = "commands.toml"


@dataclass(frozen=True)
class Group:
    terms: tuple[Key, ...]     # interchangeable words and phrases; any one triggers the group
    also: tuple[Key, ...]      # the policy's own phrases for the idea; added, never triggers
    texts: tuple[str, ...]     # `terms` as written, for matching questions
    weight: float = 1.0        # below 1: a "weak" group that says little about the topic (which platform)
    same: bool = False         # names for one thing ("Orlo", "SMSAP"): each counts as if typed


@dataclass(frozen=True)
class Audience:
    prefixes: tuple[str, ...]  # section ids: "8.2" covers 8.2 and 8.2/...; "MG" covers MG n
    words: frozenset[Key]
    factor: float              # for its sections when the question does not name it
    others_factor: float       # for sections of no audience when the question names it

    def covers(self, section_id: str) -> bool:
        return any(section_id == p or section_id.startswith((p + "/", p + " ")) for p in self.prefixes)


def _toml(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise PackError(f"{path}: file not found") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PackError(f"{path}: invalid TOML: {exc}") from None


def _strings(path: Path, where: str, value, required: bool = True) -> list[str]:
    if value is None and not required:
        return []
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise PackError(f"{path}: {where} must be a non-empty list of strings")
    return value


def _fraction(path: Path, where: str, value, default: float | None) -> float:
    value = default if value is None else value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise PackError(f"{path}: {where} must be a number above 0 and at most 1")
    return float(value)


def load_synonyms(path: Path) -> tuple[list[Group], list[Audience]]:
    data = _toml(path)
    groups = []
    for n, g in enumerate(data.get("group", []), 1):
        if not isinstance(g, dict):
            raise PackError(f"{path}: group #{n} must be a table")
        texts = _strings(path, f"group #{n} 'terms'", g.get("terms"))
        found = [phrase_key(s) for s in texts]
        also = [phrase_key(s) for s in _strings(path, f"group #{n} 'also'", g.get("also"), required=False)]
        if not all(found) or not all(also):
            raise PackError(f"{path}: group #{n} has an entry with no words")
        weight = _fraction(path, f"group #{n} 'weight'", g.get("weight"), 1.0)
        same = g.get("same", False)
        if not isinstance(same, bool):
            raise PackError(f"{path}: group #{n} 'same' must be true or false")
        groups.append(Group(tuple(dict.fromkeys(found)), tuple(dict.fromkeys(also)), tuple(texts), weight, same))
    audiences = []
    for n, a in enumerate(data.get("audience", []), 1):
        where = f"audience #{n}"
        if not isinstance(a, dict):
            raise PackError(f"{path}: {where} must be a table")
        prefixes = _strings(path, f"{where} 'sections'", a.get("sections"))
        said = _strings(path, f"{where} 'words'", a.get("words"))
        factors = [_fraction(path, f"{where} '{name}'", a.get(name), default)
                   for name, default in (("factor", None), ("others_factor", 1.0))]
        audiences.append(Audience(tuple(prefixes), frozenset(phrase_key(w) for w in said), *factors))
    return groups, audiences


def load_commands(pack_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """commands.toml as {section id: {"hint": ..., "command": ...}}; "command" may be absent."""
    pack_dir = Path(pack_dir or PACK_DIR)
    path = pack_dir / COMMANDS_FILE
    table = _toml(path).get("sections", {})
    if not isinstance(table, dict):
        raise PackError(f"{path}: 'sections' must be a table")
    ids = load_pack(pack_dir).sections
    out = {}
    for sid, entry in table.items():
        if sid not in ids:
            raise PackError(f"{path}: section {sid!r} is not in the pack")
        if not isinstance(entry, dict) or not isinstance(entry.get("hint"), str) or not entry["hint"].strip():
            raise PackError(f"{path}: section {sid!r} needs a 'hint' string")
        command = entry.get("command")
        if command is not None and (not isinstance(command, str) or not command.startswith("/")):
            raise PackError(f"{path}: section {sid!r} 'command' must start with '/'")
        out[sid] = {"hint": entry["hint"].strip(), **({"command": command} if command else {})}
    return out
