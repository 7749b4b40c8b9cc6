"""Backend discovery (pluggy entry points) and the device -> backend binding.

``lucid.backends.bind("cpu", "mlx")`` makes MLX serve the ``cpu`` device from then on;
``lucid.backends.available()`` lists loaded backends, ``coverage()`` their op coverage.
"""

from __future__ import annotations

import threading

import pluggy

from lucid import backend_defaults, hookspecs
from lucid.backend import Backend
from lucid.device import DEVICE_TYPES, Device, to_device
from lucid.errors import BackendError

ENTRY_POINT_GROUP = "lucid.backends"
_PREFERRED = {"cpu": "numpy", "gpu": "mlx", "meta": "meta"}

_lock = threading.RLock()
_manager: pluggy.PluginManager | None = None
_backends: dict[str, Backend] = {}
_load_errors: dict[str, str] = {}
_binding: dict[str, Backend] = {}


def _plugin_manager() -> pluggy.PluginManager:
    global _manager
    with _lock:
        if _manager is None:
            manager = pluggy.PluginManager(hookspecs.PROJECT)
            manager.add_hookspecs(hookspecs)
            manager.register(backend_defaults, name="lucid.backend_defaults")
            _manager = manager
            discover()
        return _manager


def discover() -> None:
    """(Re)load every plugin advertised in the ``lucid.backends`` entry-point group."""
    manager = _manager if _manager is not None else _plugin_manager()
    try:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    except Exception as exc:  # a broken third-party plugin must not break Lucid
        _load_errors["<entry points>"] = f"{type(exc).__name__}: {exc}"
    _collect(manager)


def register(plugin, name: str | None = None) -> None:
    """Register a plugin object or module (implementing the hookspecs) by hand."""
    manager = _plugin_manager()
    if manager.is_registered(plugin):
        return
    manager.register(plugin, name=name)
    _collect(manager)


def _one_plugin(manager: pluggy.PluginManager, plugin, hook: str):
    """Hook ``hook`` of ``plugin`` alone (so one failing plugin spoils no other)."""
    others = [p for p in manager.get_plugins() if p is not plugin]
    return manager.subset_hook_caller(hook, others)


def _collect(manager: pluggy.PluginManager) -> None:
    with _lock:
        for plugin in manager.get_plugins():
            name = manager.get_name(plugin) or repr(plugin)
            try:
                found = _one_plugin(manager, plugin, "lucid_backends")()
            except ImportError as exc:
                _load_errors[name] = str(exc)
                continue
            for backend in (b for batch in found for b in batch or ()):
                _backends.setdefault(backend.name, backend)
        for plugin in manager.get_plugins():
            for backend in _backends.values():
                _merge_kernel_tables(manager, plugin, backend)
        wishes: dict[str, str] = {}
        for wish in manager.hook.lucid_default_devices():
            for device_type, name in (wish or {}).items():
                wishes.setdefault(device_type, name)
        for device_type in DEVICE_TYPES:
            if device_type in _binding:
                continue
            for name in (_PREFERRED.get(device_type), wishes.get(device_type)):
                if name in _backends:
                    try:
                        bind(device_type, name)
                    except BackendError:
                        continue
                    break


_merged: set[tuple[int, str]] = set()


def _merge_kernel_tables(manager: pluggy.PluginManager, plugin, backend: Backend) -> None:
    """Add the kernels ``plugin`` supplies for ``backend`` (once per pair)."""
    key = (id(plugin), backend.name)
    if key in _merged:
        return
    _merged.add(key)
    tables = _one_plugin(manager, plugin, "lucid_kernel_table")(backend_name=backend.name)
    for table in tables:
        for op, kernel in (table or {}).items():
            if op in backend.kernels and backend.kernels[op] is not kernel:
                _load_errors[f"{manager.get_name(plugin)}:{op}"] = (
                    f"kernel table: backend {backend.name!r} already has a kernel for op "
                    f"{op!r}; the plugin's kernel was not added")
                continue
            for target in _views(backend):
                target.kernels[op] = kernel


def _views(backend: Backend) -> list[Backend]:
    """``backend`` and the per-device views of it now bound (``Backend.bind`` may return
    one with its own kernel table)."""
    return [backend] + [b for b in _binding.values()
                        if b.name == backend.name and b is not backend
                        and b.kernels is not backend.kernels]


def available() -> dict[str, Backend]:
    """The loaded backends by name."""
    _plugin_manager()
    return dict(_backends)


def load_errors() -> dict[str, str]:
    """Plugins that failed to load, with the reason (for example a missing ``mlx``)."""
    _plugin_manager()
    return dict(_load_errors)


def get(name: str) -> Backend:
    """The backend called ``name``; a clear error names the missing package otherwise."""
    _plugin_manager()
    try:
        return _backends[name]
    except KeyError:
        detail = _load_errors.get(name, f"no plugin in entry-point group {ENTRY_POINT_GROUP!r} "
                                  f"provides it (loaded: {sorted(_backends)})")
        hint = {"numpy": "pip install lucid-backend-numpy",
                "mlx": "pip install 'lucid-backend-mlx[cpu]' (or [cuda]; plain on macOS)",
                "meta": "pip install lucid-backend-meta"}
        raise BackendError(f"backend {name!r} is not available: {detail}. "
                           f"{hint.get(name, '')}".strip()) from None


def bind(device, backend_name: str, **options) -> Backend:
    """Make ``backend_name`` serve ``device`` (a type: ``"cpu"``/``"gpu"``) from now on.

    ``options`` go to the backend's ``bind`` (``bind("gpu", "arrayapi", namespace="cupy")``);
    a backend whose ``bind`` takes none rejects them with a ``TypeError``."""
    device_type = to_device(device).type
    backend = get(backend_name)
    # a backend may serve it through a view
    backend = (backend.bind(device_type, **options) if options
               else backend.bind(device_type)) or backend
    with _lock:
        _binding[device_type] = backend
    return backend


def rebind(device, backend_name: str, *movables) -> Backend:
    """:func:`bind`, then move each of ``movables`` (modules, optimizers: anything whose
    ``to(device)`` moves it in place) to the new binding, in the order given.

    Tensors made before a rebinding keep the previous backend's arrays and raise a
    ``BackendError`` when used; ``rebind("cpu", "mlx", model, optimizer)`` moves a model's
    parameters and buffers and its optimizer's state in one call. A plain tensor is not
    moved in place: write ``t = t.to(device)``."""
    for m in movables:
        if isinstance(m, _tensor_type()) or not callable(getattr(m, "to", None)):
            raise TypeError(f"rebind: {type(m).__name__} cannot be moved in place; pass "
                            "modules and optimizers, and move a tensor with t = t.to(device)")
    backend = bind(device, backend_name)
    for m in movables:
        m.to(device)
    return backend


def _tensor_type():
    from lucid.tensor import Tensor

    return Tensor


def unbind(device) -> None:
    """Leave ``device`` without a backend (the next use binds its default again)."""
    with _lock:
        _binding.pop(to_device(device).type, None)


def binding() -> dict[str, str]:
    """The current ``{device_type: backend_name}`` map."""
    _plugin_manager()
    return {k: v.name for k, v in _binding.items()}


def serving(device: Device) -> Backend:
    """The backend serving ``device`` (the fast path of every op call)."""
    backend = _binding.get(device.type)
    return backend if backend is not None else for_device(device)


def for_device(device: Device) -> Backend:
    """The backend serving ``device``; raises :class:`BackendError` naming what to install."""
    try:
        return _binding[device.type]
    except KeyError:
        _plugin_manager()
        if device.type in _binding:
            return _binding[device.type]
        want = _PREFERRED.get(device.type)
        get(want)  # raises a clear error naming the missing package
        bind(device.type, want)
        return _binding[device.type]


def coverage() -> dict[str, dict[str, object]]:
    """For each loaded backend, what it serves and how it covers the ops:

    * ``devices``: the device types it serves now;
    * ``required`` / ``required_present``: the number of primitive kernels every backend
      must provide (:data:`lucid.ops.primitives.REQUIRED`) and how many it has;
    * ``missing``: the required kernels it lacks (ops that fail on it);
    * ``overrides``: optional ops it has its own (fused) kernel for;
    * ``composite``: optional ops it runs as their composite of other ops;
    * ``unsupported``: optional ops without a kernel and without a composite;
    * ``extra``: kernels for no registered op (fused optimizer steps, for example).
    """
    from lucid.ops.primitives import REQUIRED
    from lucid.ops.registry import OPS

    out = {}
    for name, backend in available().items():
        have = backend.kernels
        optional = sorted(op for op in OPS if op not in REQUIRED and op != "to_device")
        out[name] = {
            "devices": [d for d, b in _binding.items() if b.name == name],
            "required": len(REQUIRED),
            "required_present": sum(op in have for op in REQUIRED),
            "missing": sorted(op for op in REQUIRED if op not in have),
            "overrides": [op for op in optional if op in have],
            "composite": [op for op in optional
                          if op not in have and OPS[op].composite is not None],
            "unsupported": [op for op in optional
                            if op not in have and OPS[op].composite is None],
            "extra": sorted(op for op in have if op not in OPS),
        }
    return out


def capabilities(device) -> dict:
    """What the backend serving ``device`` offers there: ``{"dtypes": (names...),
    "lazy": bool, "asynchronous": bool}`` (hook ``lucid_device_capabilities``)."""
    device = to_device(device)
    backend = for_device(device)
    return _plugin_manager().hook.lucid_device_capabilities(backend_name=backend.name,
                                                            device_type=device.type)


def synchronize(device="cpu") -> None:
    """Wait for every pending computation on ``device`` (hook ``lucid_synchronize``)."""
    device = to_device(device)
    _plugin_manager().hook.lucid_synchronize(backend_name=for_device(device).name,
                                             device_type=device.type)


def memory_info(device="cpu") -> dict:
    """``{"total", "in_use", "peak"}`` in bytes for ``device`` (``None`` where the
    backend's library does not track a figure; hook ``lucid_memory_info``)."""
    device = to_device(device)
    return _plugin_manager().hook.lucid_memory_info(backend_name=for_device(device).name,
                                                    device_type=device.type)
