"""The package-level import graph of the product: which top-level package imports which, and how often.

    python tools/import_graph.py            # one line per edge: "dialogs -> chat  (123 imports)", then cycles
    python tools/import_graph.py --where    # each edge with the files and lines that make it

Every import counts: at module level, inside functions, under `if TYPE_CHECKING:`. tests/test_import_rules.py
uses the same walk to hold the layering DESIGN.md describes.
"""
from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The product's top-level packages and modules (tests, tools and bench use them but are not part of it).
PRODUCT = ("app", "workflows", "bot", "handlers", "dialogs", "chat", "policy", "storage")
PLATFORM_SDKS = ("slack_bolt", "slack_sdk", "microsoft_agents")


def product_files(root: Path = ROOT) -> list[Path]:
    files = []
    for name in PRODUCT:
        single = root / f"{name}.py"
        if single.exists():
            files.append(single)
        elif (root / name).is_dir():
            files += sorted(p for p in (root / name).rglob("*.py") if "__pycache__" not in p.parts)
    return files


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[str, int]]:
    """(absolute module name, line) for every import in a file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((name, node.lineno))
    return found


def top(name: str) -> str:
    return name.split(".", 1)[0]


def edges(root: Path = ROOT) -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) -> ["file:line", ...] for imports between product packages."""
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in product_files(root):
        src = top(module_name(path, root))
        for name, line in imports_of(path, root):
            dst = top(name)
            if dst in PRODUCT and dst != src:
                out[(src, dst)].append(f"{path.relative_to(root)}:{line}")
    return dict(out)


def sdk_imports(root: Path = ROOT) -> list[tuple[str, str]]:
    """(file:line, module) for every import of a platform SDK."""
    found = []
    for path in product_files(root):
        for name, line in imports_of(path, root):
            if top(name) in PLATFORM_SDKS:
                found.append((f"{path.relative_to(root)}:{line}", name))
    return found


def cycles(graph: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """Every elementary cycle's packages, each found once (the graph is small)."""
    succ: dict[str, set[str]] = defaultdict(set)
    for a, b in graph:
        succ[a].add(b)
    found: list[list[str]] = []
    seen: set[frozenset] = set()

    def walk(start: str, node: str, path: list[str]) -> None:
        for nxt in sorted(succ[node]):
            if nxt == start:
                key = frozenset(path)
                if key not in seen:
                    seen.add(key)
                    found.append(path + [start])
            elif nxt not in path and nxt > start:
                walk(start, nxt, path + [nxt])

    for start in sorted(succ):
        walk(start, start, [start])
    return found


def main(argv: list[str]) -> int:
    graph = edges()
    for (a, b), where in sorted(graph.items(), key=lambda kv: (PRODUCT.index(kv[0][0]), PRODUCT.index(kv[0][1]))):
        print(f"{a} -> {b}  ({len(where)} import{'s' if len(where) != 1 else ''})")
        if "--where" in argv:
            for place in where:
                print(f"    {place}")
    loops = cycles(graph)
    print("cycles: " + ("; ".join(" -> ".join(c) for c in loops) if loops else "none"))
    return 1 if loops else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
