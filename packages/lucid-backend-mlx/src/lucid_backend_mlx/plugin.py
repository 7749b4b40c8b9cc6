"""The entry point Lucid loads (group ``lucid.backends``): hook implementations.

``mlx`` is imported inside the hook, not at module import: a missing ``mlx`` then becomes
an ``ImportError`` with an install hint that Lucid reports when the backend is asked for,
while every other plugin keeps loading.
"""

import os

from lucid.hookspecs import hookimpl

INSTALL_HINT = ("pip install 'lucid-backend-mlx[cpu]' (MLX's CPU build), "
                "'lucid-backend-mlx[cuda]' (NVIDIA GPUs) or plain 'lucid-backend-mlx' on macOS")


@hookimpl
def lucid_backends():
    # float32 means float32: MLX's CUDA backend runs float32 matmuls and convolutions in
    # TF32 (10-bit mantissa, ~1e-3 relative error) unless MLX_ENABLE_TF32=0. Lucid keeps
    # full float32 by default; set MLX_ENABLE_TF32=1 before importing Lucid to trade it
    # for speed.
    os.environ.setdefault("MLX_ENABLE_TF32", "0")
    try:
        import mlx.core  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"mlx backend: the 'mlx' package cannot be imported ({exc}); "
                          f"{INSTALL_HINT}") from exc
    from lucid_backend_mlx.backend import BACKEND

    return [BACKEND]


@hookimpl
def lucid_default_devices():
    return {"gpu": "mlx"}


@hookimpl
def lucid_device_capabilities(backend_name, device_type):
    """MLX is lazy: ops build a graph that runs (asynchronously) when a value is needed;
    float64 only on the CPU device."""
    if backend_name != "mlx":
        return None
    names = ("float16", "float32", "int8", "uint8", "int16", "int32", "int64", "bool")
    if device_type == "cpu":
        names = names[:2] + ("float64",) + names[2:]
    return {"dtypes": names, "lazy": True, "asynchronous": True}


@hookimpl
def lucid_synchronize(backend_name, device_type):
    if backend_name != "mlx":
        return None
    import mlx.core as mx

    mx.synchronize()
    return True


@hookimpl
def lucid_memory_info(backend_name, device_type):
    """MLX's allocator figures (active and peak bytes) and the device's memory size."""
    if backend_name != "mlx":
        return None
    import mlx.core as mx

    info = mx.device_info() if hasattr(mx, "device_info") else {}
    return {"total": info.get("memory_size"), "in_use": mx.get_active_memory(),
            "peak": mx.get_peak_memory()}
