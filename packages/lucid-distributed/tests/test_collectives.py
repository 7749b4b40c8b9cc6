"""Every collective on 2 processes, against NumPy, on both engines."""

import pytest
from launching import engines, launch, reports


@pytest.mark.parametrize("engine", engines())
def test_collectives_match_numpy_on_two_processes(engine):
    done = launch(engine, "collectives.py")
    assert done.returncode == 0, done.stdout + done.stderr
    counts = [int(report) for report in reports(done.stdout)]
    assert len(counts) == 2 and counts[0] > 100, done.stdout + done.stderr
