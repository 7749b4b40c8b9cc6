"""Every code block of every README runs verbatim (markers: ``tests/readme_snippets.py``).

Python blocks run in a fresh interpreter in a temporary folder, ``>>>`` blocks as doctests
(their printed outputs are compared), bash blocks in the repository root; all with the
user's default backend (``LUCID_BACKEND`` removed). Blocks marked ``ci``/``long``/``gpu``/
``network`` are checked as their marker says instead of being run here.
"""

import os
import subprocess
import sys

import pytest
from readme_snippets import ROOT, all_blocks, check_command, commands

BLOCKS = all_blocks()


def user_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "LUCID_BACKEND"}
    env["MPLBACKEND"] = "Agg"
    return env


def by_kind(*kinds):
    return [pytest.param(b, id=b.id) for b in BLOCKS if b.kind in kinds]


def test_blocks_found_and_markers_known():
    assert len(BLOCKS) >= 10
    readmes = {b.readme.name for b in BLOCKS}
    assert "README.md" in readmes
    for b in BLOCKS:
        assert b.kind in ("run", "ci", "long", "gpu", "network"), f"{b.id}: marker {b.kind!r}"
        if b.kind == "run":
            assert b.lang in ("python", "bash"), f"{b.id}: unmarked {b.lang or 'plain'} block"


@pytest.mark.parametrize("block", by_kind("run"))
def test_block_runs_verbatim(block, tmp_path):
    if block.lang == "python":
        if block.code.lstrip().startswith(">>>"):
            script = tmp_path / "snippet.txt"
            script.write_text(block.code)
            cmd = [sys.executable, "-m", "doctest", "-o", "NORMALIZE_WHITESPACE", str(script)]
        else:
            cmd = [sys.executable, "-c", block.code]
        cwd = tmp_path
    else:
        cmd, cwd = ["bash", "-euo", "pipefail", "-c", block.code], ROOT
    done = subprocess.run(cmd, cwd=cwd, env=user_env(), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"{block.id}\n{block.code}\n{done.stdout}\n{done.stderr}"


@pytest.mark.parametrize("block", by_kind("ci"))
def test_ci_block_is_what_ci_runs(block):
    ci = (ROOT / ".ci/run").read_text()
    for cmd in commands(block.code):
        line = " ".join(cmd)
        assert line == "bash .ci/run" or line in ci, f"{block.id}: {line!r} not in .ci/run"


@pytest.mark.parametrize("block", by_kind("long"))
def test_long_block_names_real_things(block):
    problems = [p for cmd in commands(block.code) for p in check_command(cmd)]
    assert not problems, f"{block.id}: {problems}"


@pytest.mark.parametrize("block", by_kind("gpu", "network"))
def test_gpu_and_network_blocks_show_their_output(block):
    assert block.next_lang == "text", f"{block.id}: a {block.kind} block must be followed " \
        "by a text block with the output it prints"
    if block.lang == "python":
        compile(block.code, block.id, "exec")
    else:
        problems = [p for cmd in commands(block.code) for p in check_command(cmd)]
        assert not problems, f"{block.id}: {problems}"


def test_static_checks_catch_mistakes():
    """The ``long`` checks fail on the README mistakes issue 11 reported."""
    assert check_command(["python3", "-m", "nox", "-s", "demo", "--", "--downloadd"])
    assert check_command(["python3", "-m", "nox", "-s", "no_such_session"])
    assert check_command(["python3", "bench/no_such_bench.py"])
    assert check_command(["pip", "install", "packages/lucid-nothing"])
    assert check_command(["lucid-train", "--epochs", "3", "--no-such-option"])
    assert check_command(["rm", "-rf", "x"])
    assert check_command(["mpiexec", "-n", "2", "python", "examples/train.py", "--distributd"])
    assert not check_command(["mlx.launch", "-n", "2", "--backend", "ring", "python",
                              "examples/train.py", "--distributed"])
    assert not check_command(["python3", "demo.py", "--epochs", "5", "--download"])
    assert not check_command(["pip", "install", "packages/lucid-backend-mlx[cpu]"])
