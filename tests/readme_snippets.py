"""Extract the fenced code blocks of every README in the repository, with their markers.

A block is marked by an HTML comment on the line right before its opening fence,
``<!-- snippet: KIND -->``; unmarked ``python``/``bash`` blocks are run verbatim:

==========  ==================================================================================
(none)      ``python``: run in a fresh interpreter (a block of ``>>>`` lines runs as a doctest,
            so the outputs it shows are checked); ``bash``: run in the repository root
``ci``      the test command: ``.ci/run`` (what CI runs) must contain it, or it is ``.ci/run``
``long``    minutes of work (the main job, benchmarks, installs): not run here; every script,
            package folder and nox session it names must exist and every ``--option`` it
            passes must be one its program defines
``gpu``     needs a GPU; ``network``: needs the network. Not run here; the next block must be
            a ``text`` block with the output it prints
==========  ==================================================================================

``text`` blocks are output, never run.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = {"run", "ci", "long", "gpu", "network"}
FENCE = re.compile(r"^```(\w*)\s*$")
MARK = re.compile(r"^<!--\s*snippet:\s*(\w+)\s*-->\s*$")
# program -> the source files that define its options
OPTION_SOURCES = {
    "demo.py": ["packages/lucid-train/src/lucid_train/trainer.py"],
    "train.py": ["packages/lucid-train/src/lucid_train/trainer.py"],
    "lucid-train": ["packages/lucid-train/src/lucid_train/trainer.py"],
}


@dataclass
class Block:
    readme: Path
    line: int
    lang: str
    kind: str
    code: str
    next_lang: str | None = None  # language of the following block (output blocks)

    @property
    def id(self) -> str:
        return f"{self.readme.relative_to(ROOT)}:{self.line}"


def readmes() -> list[Path]:
    """Every tracked README*.md (git ls-files; every README*.md on disk without git)."""
    try:
        out = subprocess.run(["git", "ls-files", "*README*.md", "**/README*.md"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
        paths = {ROOT / p for p in out}
    except (OSError, subprocess.CalledProcessError):
        paths = set(ROOT.rglob("README*.md"))
    return sorted(p for p in paths if p.is_file() and ".nox" not in p.parts)


def blocks(readme: Path) -> list[Block]:
    lines = readme.read_text().splitlines()
    found, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        mark = MARK.match(lines[i - 1]) if i else None
        start, body = i + 1, []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        found.append(Block(readme, start, m.group(1), mark.group(1) if mark else "run",
                           "\n".join(body) + "\n"))
        i += 1
    for a, b in zip(found, found[1:]):
        a.next_lang = b.lang
    return found


def all_blocks() -> list[Block]:
    return [b for r in readmes() for b in blocks(r) if b.lang != "text"]


# -- static checks of commands that are not run ------------------------------------------
def commands(code: str) -> list[list[str]]:
    """The shell commands of a block: comments dropped, split at ``&&``, ``;``, ``|``."""
    out = []
    for line in code.replace("\\\n", " ").splitlines():
        tokens = shlex.split(line, comments=True)
        current: list[str] = []
        for t in tokens:
            if t in ("&&", ";", "||", "|"):
                out.append(current)
                current = []
            else:
                current.append(t)
        out.append(current)
    return [c for c in out if c]


def option_defined(option: str, sources: list[str]) -> bool:
    name = option.split("=", 1)[0]
    return any(re.search(rf"""["']{re.escape(name)}["']""", (ROOT / s).read_text())
               for s in sources)


def check_command(tokens: list[str]) -> list[str]:
    """Problems with one command (an empty list when it is fine)."""
    while tokens and re.match(r"^[A-Z_][A-Z0-9_]*=", tokens[0]):  # VAR=value prefixes
        tokens = tokens[1:]
    if not tokens:
        return []
    program, args = tokens[0], tokens[1:]
    if program in (".", "source", "cd", "export"):
        return [] if program != "." or (ROOT / args[0]).exists() or "venv" in args[0] else \
            [f"{args[0]} does not exist"]
    if program in ("python", "python3"):
        if args[:2] in (["-m", "pip"],):
            return check_pip(args[2:])
        if args[:2] == ["-m", "nox"]:
            return check_nox(args[2:])
        if args[:2] == ["-m", "venv"]:
            return []
        if args[:2] == ["-m", "pytest"]:
            return [f"{a} does not exist" for a in args[2:]
                    if "/" in a and not a.startswith("-") and not (ROOT / a).exists()]
        if args and args[0].endswith(".py"):
            script = args[0]
            if not (ROOT / script).is_file():
                return [f"{script} does not exist"]
            sources = OPTION_SOURCES.get(Path(script).name, [script])
            return [f"{script}: option {a} is not defined" for a in args[1:]
                    if a.startswith("--") and not option_defined(a, sources)]
        return [f"unrecognised python command {' '.join(tokens)}"]
    if program in ("pip", "pip3"):
        return check_pip(args)
    if program == "nox":
        return check_nox(args)
    if program in OPTION_SOURCES:
        return [f"{program}: option {a} is not defined" for a in args
                if a.startswith("--") and not option_defined(a, OPTION_SOURCES[program])]
    if program == "bash":
        return [] if (ROOT / args[0]).is_file() else [f"{args[0]} does not exist"]
    if program in ("mpiexec", "mpirun", "mlx.launch"):  # launcher options, then the program
        starts = [i for i, a in enumerate(args) if a in ("python", "python3")]
        return check_command(args[starts[0]:]) if starts else [
            f"{program}: no python program to launch in {' '.join(tokens)}"]
    return [f"unrecognised command {program!r}: mark the block or teach tests/readme_snippets"]


def check_pip(args: list[str]) -> list[str]:
    problems = []
    for a in args:
        path = re.sub(r"\[.*\]$", "", a)
        if path.startswith("packages/") and not (ROOT / path).is_dir():
            problems.append(f"{path} is not a package folder")
    return problems


def check_nox(args: list[str]) -> list[str]:
    noxfile = (ROOT / "noxfile.py").read_text()
    head, _, rest = " ".join(args).partition(" -- ")
    names = head.split()
    sessions = names[names.index("-s") + 1:] if "-s" in names else []
    problems = [f"nox session {s!r} is not in noxfile.py" for s in sessions
                if not re.search(rf"^def {re.escape(s)}\(", noxfile, re.M)]
    if "demo" in sessions:
        problems += [f"demo: option {a} is not defined" for a in rest.split()
                     if a.startswith("--") and not option_defined(a, OPTION_SOURCES["demo.py"])]
    return problems
