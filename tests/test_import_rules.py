"""The layering DESIGN.md describes, held by walking every product module's imports (tools/import_graph.py).

Imports flow one way: app.py -> bot/ (the platform edge) -> chat/ (the neutral core); workflows.py -> handlers/
-> dialogs/ -> chat/ -> policy/, storage/. Nothing imports bot/ but app.py; bot/ reaches the workflows only
through workflows.py, from the command line's entry point. No cycle among top-level packages, and the platform
SDKs stay at the edge.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "tools" / "import_graph.py")
graph_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(graph_tool)

# What each top-level package may import directly (besides itself, the standard library and third parties).
ALLOWED = {
    "app": {"workflows", "bot", "chat", "storage", "policy"},
    "workflows": {"handlers", "chat"},
    "bot": {"chat", "policy", "storage"},
    "handlers": {"dialogs", "chat", "policy", "storage"},
    "dialogs": {"chat", "policy", "storage"},
    "chat": {"policy", "storage"},
    "policy": set(),
    "storage": set(),
}
# The command line's composition root may build the registry from the list of workflows, as app.py does.
ENTRY_POINTS = {("bot/__main__.py", "workflows")}
NO_PLATFORM_SDK = ("policy", "chat", "dialogs", "handlers", "storage")


def test_every_import_goes_the_right_way():
    wrong = []
    for (src, dst), where in graph_tool.edges(ROOT).items():
        if dst in ALLOWED[src]:
            continue
        places = [w for w in where if (w.split(":")[0], dst) not in ENTRY_POINTS]
        wrong += [f"{place}: {src} imports {dst}" for place in places]
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


def test_no_cycle_among_top_level_packages():
    assert graph_tool.cycles(graph_tool.edges(ROOT)) == []


def test_the_core_and_the_workflows_never_import_a_platform_sdk():
    found = [(where, name) for where, name in graph_tool.sdk_imports(ROOT)
             if where.split("/", 1)[0] in NO_PLATFORM_SDK]
    assert not found, "platform SDKs outside bot/: " + ", ".join(f"{w} ({n})" for w, n in found)


def test_the_walk_sees_imports_inside_functions_and_relative_ones(tmp_path):
    pkg = tmp_path / "dialogs" / "thing"
    pkg.mkdir(parents=True)
    (tmp_path / "dialogs" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "flow.py").write_text("from . import rules\n\n\ndef late():\n    from bot.settings import Settings\n")
    (pkg / "rules.py").write_text("from ..other import x\n")
    found = dict(graph_tool.edges(tmp_path))
    assert found == {("dialogs", "bot"): ["dialogs/thing/flow.py:5"]}
    assert graph_tool.imports_of(pkg / "rules.py", tmp_path) == [("dialogs.other", 1)]


def test_a_cycle_is_found():
    assert graph_tool.cycles({("chat", "dialogs"): ["x"], ("dialogs", "chat"): ["y"]}) == [["chat", "dialogs", "chat"]]
