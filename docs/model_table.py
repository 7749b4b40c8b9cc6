"""Write ``docs/models.md``: every registered model with its parameter count, multiply-adds
at its default input size and what its tests verify it against.

    python docs/model_table.py            # rewrites docs/models.md (about a minute)

Counts come from building each model on the ``meta`` device (shapes only, no memory) with
1000 classes (detectors: their default classes) and running one image through it inside
``lucid.count_flops``; MACs are those of convolutions and matrix products (as fvcore and
the papers count them). "Verified against" is read from the parity tests (which model of
torchvision or timm each test compares with: equal state-dict layout and parameter count,
eval outputs within 1e-4) and from the unit tests that check a count from a paper.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import lucid
from lucid import models

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "packages/lucid-models/tests"
OUT = ROOT / "docs/models.md"
SECTION = re.compile(r"^## (.+)$")

# Default input sizes that differ from 224 (the papers' / references' evaluation sizes).
SIZES = {**dict.fromkeys(["inception_v3", "inception_v4", "inception_resnet_v1",
                          "inception_resnet_v2", "xception"], 299),
         **{f"efficientnet_b{i}": s for i, s in enumerate((224, 240, 260, 300, 380, 456,
                                                          528, 600))},
         "efficientnet_v2_s": 384, "efficientnet_v2_m": 480, "efficientnet_v2_l": 480,
         "efficientnet_v2_xl": 512, "lenet_1": 28, "lenet_4": 28, "lenet_5": 28}


# What the heuristic of ``verification`` cannot read (lists and loops over names), from
# reading the tests; each entry names the test that holds the check.
FROM_READING = {
    **dict.fromkeys(["convnext_tiny", "convnext_small", "convnext_base", "convnext_large"],
                    "torchvision"),                       # parity/test_convnext_parity.py V1
    **{f"convnext_v2_{s}": "timm" for s in ("atto", "femto", "pico", "nano", "tiny", "base",
                                            "large", "huge")},  # same file, V2
    **{f"efficientnet_b{i}": "torchvision" for i in range(8)},  # test_efficientnet_parity.py
    **dict.fromkeys(["efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l"],
                    "torchvision"),
    "efficientnet_v2_xl": "torchvision, timm",             # torchvision's class, timm's count
    **{f"crossvit_{n}": "timm" for n in ("tiny", "small", "base", "9", "15", "18", "9_dagger",
                                         "15_dagger", "18_dagger")},  # test_crossvit_parity
    "faster_rcnn_resnet_50_fpn": "torchvision",          # parity/test_faster_rcnn_parity.py
    "detr_r50": "paper", "detr_r101": "paper",           # parity/test_detr_parity.py
    **{f"efficientdet_d{d}": "paper" for d in range(8)},  # test_efficientdet.py
    "inception_resnet_v1": "paper",                       # test_inception_res.py
    "zfnet": "paper", "resnet_1001": "paper",             # test_classic_zoo.py
    **dict.fromkeys(["yolo_v3", "yolo_v3_tiny", "yolo_v4"], "darknet cfg"),  # test_yolo.py
}


def sections() -> list[tuple[str, list[str]]]:
    """``[(section title, [model names])]`` in the order of ``model-zoo.md``."""
    text = (ROOT.parent / "shared/model-zoo.md")
    registered = set(models.list_models())
    if not text.is_file():
        return [("models", sorted(registered))]
    out, seen = [], set()
    for line in text.read_text().splitlines():
        m = SECTION.match(line)
        if m:
            out.append((m.group(1), []))
        elif out:
            for name in re.findall(r"`([a-z0-9_]+)`", line):
                if name in registered and name not in seen:
                    out[-1][1].append(name)
                    seen.add(name)
    rest = sorted(registered - seen)
    if rest:
        out.append(("other", rest))
    return out


def verification() -> dict[str, set[str]]:
    """``{model: {"torchvision", "timm", "paper"}}`` from the test sources: a parity test line
    naming the model, classified by the reference library named on that line or in the
    table (``TIMM = {...}``, ``TORCHVISION = {...}``) it belongs to, else by the library the
    file imports; a unit-test line naming the model and a paper."""
    registered = set(models.list_models())
    found: dict[str, set[str]] = {}
    for path in sorted((TESTS / "parity").glob("test_*.py")):
        source = path.read_text()
        lines = source.splitlines()
        libraries = [lib for lib in ("torchvision", "timm") if f"import {lib}" in source
                     or f"from {lib}" in source]
        table = ""
        for i, line in enumerate(lines):
            head = re.match(r"^([A-Z_0-9]+)\s*=", line)
            if head:
                table = head.group(1)
            elif line and not line[0].isspace() and not line.startswith((")", "}", "]")):
                table = ""
            names = _names_in(line, registered)
            if not names:
                continue
            near = " ".join(lines[max(0, i - 3):i + 4])
            kind = _library(line + " " + table) or (libraries[0] if len(libraries) == 1
                                                     else _library(near))
            for name in names:
                if kind:
                    found.setdefault(name, set()).add(kind)
    for path in sorted(TESTS.glob("test_*.py")):
        for line in path.read_text().splitlines():
            if "paper" in line.lower():
                for name in re.findall(r"[\"'.]([a-z0-9_]+)[\"'(]", line):
                    if name in registered:
                        found.setdefault(name, set()).add("paper")
    for name, labels in FROM_READING.items():
        found.setdefault(name, set()).update(labels.split(", "))
    return found


def _names_in(line: str, registered: set[str]) -> set[str]:
    """Registered names on a line: quoted or called, and the names an f-string makes in a
    comprehension over ``range(N)`` or a literal tuple on that line
    (``[f"efficientnet_b{i}" for i in range(8)]``)."""
    names = {n for n in re.findall(r"[\"'.]([a-z0-9_]+)[\"'(]", line) if n in registered}
    loop = re.search(r"for \w+ in (?:range\((\d+)\)|\(([^)]*)\))", line)
    if loop:
        values = ([str(i) for i in range(int(loop.group(1)))] if loop.group(1) else
                  re.findall(r"[\"']([a-z0-9_]+)[\"']", loop.group(2)))
        for prefix, suffix in re.findall(r"f[\"']([a-z0-9_]*)\{\w+\}([a-z0-9_]*)[\"']", line):
            names |= {f"{prefix}{v}{suffix}" for v in values} & registered
    return names


def _library(text: str) -> str | None:
    text = text.lower()
    if "timm" in text:
        return "timm"
    if "tv_" in text or "tv." in text or "torchvision" in text:
        return "torchvision"
    return None


def measure(name: str, classifier: bool) -> tuple[int, float | None, int | None]:
    """``(parameters, GMACs or None, input size or None)`` built on ``meta``; MACs for
    classifiers only (one square image in, logits out)."""
    with lucid.device("meta"):
        model = models.create_model(name)
        params = sum(p.numel() for p in model.parameters())
        if not classifier:
            return params, None, None
        size = SIZES.get(name) or getattr(model, "img_size", None) or 224
        if isinstance(size, (tuple, list)):
            size = size[0]
        channels = 1 if name.startswith("lenet") else 3
        model.eval()
        try:
            with lucid.no_grad(), lucid.count_flops() as counter:
                model(lucid.zeros((1, channels, size, size)))
        except Exception:  # detectors and sequence models take other inputs
            return params, None, None
    macs = counter.by_op.get("conv", 0) + counter.by_op.get("matmul", 0)
    return params, macs / 1e9, size


def _macs(gmacs: float) -> str:
    return f"{gmacs:.3f} G" if gmacs >= 0.1 else f"{gmacs * 1e3:.2f} M"


def main() -> int:
    checks = verification()
    lines = ["# The model zoo", "",
             "Generated by `python docs/model_table.py`: parameters at 1000 classes, "
             "multiply-adds (convolutions and matrix products, as fvcore counts them) for one "
             "image at the default input size, and what the tests compare each model with: "
             "**torchvision** / **timm** (parity tests: identical state-dict keys and shapes, "
             "equal parameter count, eval outputs within 1e-4 with the same weights), "
             "**paper** (the parameter count printed in the paper), **darknet cfg** (the count "
             "of the authors' Darknet configuration). Detectors and the "
             "sequence Transformer take other inputs: no MACs here.", ""]
    total = verified = 0
    for title, names in sections():
        lines += [f"## {title}", "", "| model | parameters | MACs | input | verified against |",
                  "|---|---:|---:|---:|---|"]
        for name in names:
            params, gmacs, size = measure(name, title != "detection")
            against = ", ".join(sorted(checks.get(name, ()))) or "—"
            total += 1
            verified += against != "—"
            lines.append(f"| `{name}` | {params:,} | "
                         f"{'—' if gmacs is None else _macs(gmacs)} | "
                         f"{'—' if size is None else size} | {against} |")
            print(name, params, gmacs, against, file=sys.stderr)
        lines.append("")
    lines.insert(2, f"{total} models, {verified} of them verified against an independent "
                    "implementation or a paper's count.\n")
    OUT.write_text("\n".join(lines))
    print(f"wrote {OUT}: {total} models, {verified} verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
