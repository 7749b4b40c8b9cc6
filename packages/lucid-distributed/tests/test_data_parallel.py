"""DistributedDataParallel on 2 processes equals one process on the whole batch."""

import pytest
from launching import engines, launch, reports


@pytest.mark.parametrize("mode", ["plain", "no_sync", "sync_bn", "checkpoint"])
@pytest.mark.parametrize("engine", engines())
def test_two_ranks_train_like_one_process_on_the_whole_batch(engine, mode):
    done = launch(engine, "ddp.py", mode)
    assert done.returncode == 0, done.stdout + done.stderr
    oks = reports(done.stdout)
    assert len(oks) == 2, done.stdout + done.stderr
