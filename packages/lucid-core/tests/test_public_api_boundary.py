"""The sibling packages (nn, optim, data, models, distributed, train) use only core's
public API: no import of another package's ``_``-prefixed module or name, no write to a
Tensor's private attributes, no hand-built graph nodes (``Node``, ``Tensor._wrap`` /
``Tensor._init``): extensions join the graph through ``lucid.autograd.Function`` or
``lucid.autograd.attach_backward``. A static check of every source file (``ast``)."""

import ast
from pathlib import Path

import pytest

PACKAGES = Path(__file__).resolve().parents[2]
SIBLINGS = ["lucid-nn", "lucid-optim", "lucid-data", "lucid-models", "lucid-distributed",
            "lucid-train"]
TENSOR_INTERNALS = {"_data", "_device", "_backend", "_node", "_out_index", "_version",
                    "_grad", "_dtype", "_hooks"}
GRAPH_INTERNALS = {"_wrap", "_init"}


def _owner(module: str) -> str | None:
    """The package directory whose sources define ``module`` (``None``: not Lucid's)."""
    parts = module.split(".")
    for package in sorted(p.name for p in PACKAGES.iterdir() if (p / "src").is_dir()):
        base = PACKAGES / package / "src" / Path(*parts)
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return package
    return None


def _violations(package: str, source: str, where: str) -> list[str]:
    """What ``source`` (a file of ``package``) does that only core may do."""
    tree = ast.parse(source, where)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            owner = _owner(node.module)
            if owner is None or owner == package:
                continue
            if any(p.startswith("_") for p in node.module.split(".")):
                found.append(f"{where}:{node.lineno}: imports {owner}'s private module "
                             f"{node.module}")
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{where}:{node.lineno}: imports private name "
                                 f"{alias.name} from {node.module} ({owner})")
                if node.module == "lucid.autograd.node" and alias.name == "Node":
                    found.append(f"{where}:{node.lineno}: builds graph nodes by hand "
                                 "(use lucid.autograd.attach_backward)")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                owner = _owner(alias.name)
                if owner not in (None, package) and any(
                        p.startswith("_") for p in alias.name.split(".")):
                    found.append(f"{where}:{node.lineno}: imports {owner}'s private module "
                                 f"{alias.name}")
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for sub in ast.walk(t):
                    if isinstance(sub, ast.Attribute) and sub.attr in TENSOR_INTERNALS:
                        found.append(f"{where}:{node.lineno}: writes private tensor "
                                     f"attribute .{sub.attr}")
        elif isinstance(node, ast.Attribute) and node.attr in GRAPH_INTERNALS:
            found.append(f"{where}:{node.lineno}: calls core internal .{node.attr}")
    return found


def _sources(package: str):
    root = PACKAGES / package / "src"
    return sorted(root.rglob("*.py")) if root.is_dir() else []


@pytest.mark.parametrize("package", SIBLINGS)
def test_sibling_uses_only_public_core_api(package):
    problems = [v for path in _sources(package)
                for v in _violations(package, path.read_text(), str(path.relative_to(PACKAGES)))]
    assert not problems, "\n".join(problems)


def test_the_check_finds_each_kind_of_violation():
    source = ("from lucid.ops._args import legacy_reduction\n"
              "from lucid.ops.dropout import _mask\n"
              "from lucid.autograd.node import Node\n"
              "t._data = 1\n"
              "y = Tensor._wrap(1, 2)\n"
              "from lucid.nn._state import move_tensor\n")  # nn's own private module: fine
    problems = _violations("lucid-nn", source, "probe.py")
    assert [p.split(":")[1] for p in problems] == ["1", "2", "3", "4", "5"], problems
