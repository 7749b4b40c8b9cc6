"""Repository-wide pytest setup: ``LUCID_BACKEND=<name>`` makes that backend serve ``cpu``,
so every test written against device ``cpu`` runs unchanged on a second backend."""

import os


def pytest_configure(config):
    name = os.environ.get("LUCID_BACKEND")
    if name:
        import lucid

        lucid.backends.bind("cpu", name)


def pytest_addoption(parser):
    parser.addoption("--run-zoo", action="store_true",
                     help="also run tests marked `zoo` (every zoo model end to end; `nox -s zoo`)")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``zoo`` run only under ``--run-zoo`` (the ``nox -s zoo`` session); they
    are deselected, not skipped, elsewhere, so CI's counts say what CI actually ran."""
    if config.getoption("--run-zoo"):
        return
    kept = [item for item in items if item.get_closest_marker("zoo") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
