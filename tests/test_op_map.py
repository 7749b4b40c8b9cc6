"""``docs/op-map.md`` is generated from the op registry and must match it exactly."""

import importlib.util
from pathlib import Path

from lucid.ops.registry import OPS

ROOT = Path(__file__).resolve().parents[1]


def load_generator():
    spec = importlib.util.spec_from_file_location("lucid_docs_op_map", ROOT / "docs/op_map.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_op_map_is_current():
    generated = load_generator().build()
    committed = (ROOT / "docs/op-map.md").read_text()
    assert committed == generated, "docs/op-map.md is out of date: run python docs/op_map.py"


def test_op_map_names_every_op_with_existing_files():
    rows = [line for line in (ROOT / "docs/op-map.md").read_text().splitlines()
            if line.startswith("| `")]
    assert sorted(r.split("`")[1] for r in rows) == sorted(OPS)
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        for c in cells[1:4]:
            if c.startswith("`packages/"):
                assert (ROOT / c.strip("`")).is_file(), row
            else:
                assert c == "composite (no kernel)", row
        assert cells[4] != "**none**", f"no conformance case: {row}"
