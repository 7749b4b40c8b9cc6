"""The backend plugin contract: the hooks a Lucid plugin implements, the whole of it.

A plugin is a Python package that advertises a module in the entry-point group
``lucid.backends``::

    [project.entry-points."lucid.backends"]
    numpy = "lucid_backend_numpy.plugin"

That module implements any of the hooks below with :data:`lucid.hookimpl`; Lucid's
plugin manager (pluggy) calls them, nothing else is looked up on a plugin:

* discovery: :func:`lucid_backends` (the Backend objects) and
  :func:`lucid_default_devices` (which device types a plugin would like to serve);
* kernel tables: :func:`lucid_kernel_table`, kernels a plugin adds to a backend, such as
  the kernels of a new op the plugin registers (``docs/writing-a-backend.md``);
* device capabilities: :func:`lucid_device_capabilities` (dtypes, lazy or eager,
  asynchronous) and :func:`lucid_synchronize`;
* memory queries: :func:`lucid_memory_info`.

Discovery hooks run once, when Lucid first loads plugins (kernel tables are merged into
the backends then); the query hooks run when ``lucid.backends.capabilities``,
``synchronize`` or ``memory_info`` is called. No hook sits on the path of an op call.

What a :class:`~lucid.backend.Backend` object must provide (its docstrings are the
detailed contract): ``name``; ``kernels`` (op name -> function on native arrays, at
least the required primitives of :mod:`lucid.ops.primitives`, with the signatures of
:mod:`lucid.ops.signatures`); ``from_numpy``, ``to_numpy``, ``native_dtype``,
``dtype_of``, ``is_native``, ``eval``, ``seed``; ``check_device(device)``.
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


@hookspec
def lucid_kernel_table(backend_name: str) -> dict:
    """Return ``{op_name: kernel}`` to add to backend ``backend_name`` (or ``None``).

    Called once per plugin and loaded backend, at discovery. A plugin that registers a new
    op (``lucid.ops.registry.register`` and ``lucid.ops.signatures.declare``) supplies its
    kernels here, for each backend it supports. A backend's own kernels are never
    replaced: a name it already has is reported as a load error.
    """


@hookspec(firstresult=True)
def lucid_device_capabilities(backend_name: str, device_type: str) -> dict:
    """Return what backend ``backend_name`` offers on ``device_type`` (or ``None`` when
    this plugin does not serve it): ``{"dtypes": (names...), "lazy": bool,
    "asynchronous": bool}`` (``asynchronous``: work may still run after an op returns;
    :func:`lucid_synchronize` waits for it)."""


@hookspec(firstresult=True)
def lucid_synchronize(backend_name: str, device_type: str) -> bool:
    """Wait until every pending computation of ``backend_name`` on ``device_type`` has
    finished; return ``True`` (or ``None`` when this plugin does not serve it)."""


@hookspec(firstresult=True)
def lucid_memory_info(backend_name: str, device_type: str) -> dict:
    """Return memory figures in bytes for ``backend_name`` on ``device_type`` (or
    ``None``): ``{"total": int | None, "in_use": int | None, "peak": int | None}``
    (``None`` for a figure the library does not track)."""
