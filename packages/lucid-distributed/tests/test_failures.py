"""A dead rank makes the other raise within the timeout; mismatched replicas are refused."""

import time

import pytest
from launching import engines, launch, launch_unsupervised, reports

# On MPI a killed rank takes the job down with it (MPICH's design: see
# test_mpich_ends_the_job_when_a_rank_dies), so only a hanging rank is tested there.
CASES = [(p.values[0] if hasattr(p, "values") else p, how)
         for p in engines() for how in ("killed", "hangs")]


@pytest.mark.parametrize("engine,how", [c for c in CASES if c != ("mpi", "killed")])
def test_a_dead_or_absent_rank_makes_the_other_raise_within_the_timeout(engine, how):
    # Launchers kill the whole job when a rank dies; here they are told not to, so the
    # survivor's own error is what ends it.
    pytest.importorskip("mpi4py" if engine == "mpi" else "mlx.core")
    out = launch_unsupervised(engine, "failures.py", how)
    oks = reports(out)
    assert len(oks) == 1, out
    assert float(oks[0].split()[1]) < 8, out


def test_mpich_ends_the_job_when_a_rank_dies():
    """On MPI a dead rank never leaves the others hanging: MPICH's runtime ends them (its
    design; the survivor cannot catch it), well within the timeout."""
    pytest.importorskip("mpi4py")
    start = time.monotonic()
    done = launch("mpi", "failures.py", "killed", extra=("-disable-auto-cleanup",))
    assert done.returncode != 0 and "OK" not in done.stdout
    assert time.monotonic() - start < 30


@pytest.mark.parametrize("engine", engines())
def test_replicas_of_different_shapes_are_refused_at_construction(engine):
    done = launch(engine, "failures.py", "mismatch")
    assert reports(done.stdout) == ["mismatch", "mismatch"], done.stdout + done.stderr
