"""glibc's malloc thresholds: set on import where they apply, left alone where the user
chose; tuned, a step's freed mid-sized blocks are reused without page faults (the speed
it buys is measured in ``bench/bench_train.py``)."""

import os
import subprocess
import sys

import pytest

from lucid_backend_numpy import allocator

GLIBC = allocator.glibc() is not None
CHOICES = ("LUCID_NUMPY_MALLOC", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")


def run_python(code: str, **env) -> str:
    """What ``code`` prints in a fresh interpreter whose environment holds none of the
    user's allocator choices, only ``env``."""
    environ = {k: v for k, v in os.environ.items() if k not in CHOICES}
    done = subprocess.run([sys.executable, "-c", code], env={**environ, **env},
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def imported_tuned(**env) -> str:
    return run_python("import lucid_backend_numpy.allocator as a; print(a.TUNED)", **env)


@pytest.mark.skipif(not GLIBC, reason="mallopt thresholds are glibc's")
def test_set_on_import_with_glibc():
    assert imported_tuned() == "True"


def test_left_alone_when_the_user_chose():
    assert imported_tuned(LUCID_NUMPY_MALLOC="default") == "False"
    assert imported_tuned(MALLOC_MMAP_THRESHOLD_="131072") == "False"
    assert allocator.tune_malloc({"MALLOC_TRIM_THRESHOLD_": "0"}) is False


PAGE_FAULTS = """
import resource, numpy as np, lucid_backend_numpy
def step():  # a step's worth of mid-sized arrays: six 4 MiB blocks, written, freed
    arrays = [np.ones(2**19) for _ in range(6)]
    del arrays
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    step()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(not GLIBC, reason="mallopt thresholds are glibc's")
def test_freed_blocks_are_reused_without_page_faults():
    """With glibc's defaults the freed 24 MiB go back to the system (above the adapted
    8 MiB trim threshold) and every step faults its pages in again (~6,000 faults a
    step); tuned, the heap keeps them."""
    assert int(run_python(PAGE_FAULTS, LUCID_NUMPY_MALLOC="default")) > 10 * 1000
    assert int(run_python(PAGE_FAULTS)) < 10 * 100
