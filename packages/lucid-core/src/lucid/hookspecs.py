"""The backend plugin contract: the hooks a Lucid backend implements.

A backend is a Python package that advertises a module in the entry-point group
``lucid.backends``::

    [project.entry-points."lucid.backends"]
    numpy = "lucid_backend_numpy.plugin"

That module implements the hooks below with :data:`lucid.hookimpl`. Lucid loads every
entry point when it is first asked for a backend, collects the :class:`lucid.backend.Backend`
objects the plugins return, and binds each device type (``cpu``, ``gpu``) to one of them.
Hooks are called once, at discovery; no hook sits on the path of an op call.

What a :class:`~lucid.backend.Backend` object must provide (its docstrings are the
detailed contract):

* ``name``: a unique short name (``"numpy"``, ``"mlx"``);
* ``kernels``: a dict from op name to a plain function on native arrays; the list of op
  names is ``lucid.ops.registry.OPS`` and ``lucid.testing`` checks each kernel;
* ``from_numpy``, ``to_numpy``, ``native_dtype``, ``dtype_of``, ``eval``, ``seed``:
  moving data in and out, dtype mapping, forcing lazy evaluation, seeding its RNG;
* ``check_device(device)``: raise :class:`lucid.errors.BackendError` when it cannot serve
  that device (for example ``gpu`` without a GPU), with a hint on what to install.
"""

from __future__ import annotations

import pluggy

PROJECT = "lucid"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def lucid_backends() -> list:
    """Return the :class:`lucid.backend.Backend` instances this plugin provides.

    Called once when Lucid discovers plugins. Raise ``ImportError`` with an install hint
    if a dependency (for example ``mlx``) is missing: Lucid reports it when the backend
    is asked for, and keeps every other backend working.
    """


@hookspec
def lucid_default_devices() -> dict:
    """Return ``{device_type: backend_name}`` pairs this plugin would like to serve by default.

    Lucid's own defaults (``cpu -> numpy``, ``gpu -> mlx``) win over a third party's
    wish; ``lucid.backends.bind`` changes the binding at run time.
    """
