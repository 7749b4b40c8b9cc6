"""The entry point Lucid loads (group ``lucid.backends``): hook implementations."""

from lucid.hookspecs import hookimpl
from lucid_backend_numpy.backend import BACKEND


@hookimpl
def lucid_backends():
    return [BACKEND]


@hookimpl
def lucid_default_devices():
    return {"cpu": "numpy"}


@hookimpl
def lucid_memory_info(backend_name, device_type):
    """Host memory: the machine's total, this process's resident set now and at peak."""
    if backend_name != "numpy":
        return None
    import os
    import resource
    import sys

    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak *= 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    try:
        with open("/proc/self/statm") as f:
            in_use = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        in_use = None
    return {"total": total, "in_use": in_use, "peak": peak}
