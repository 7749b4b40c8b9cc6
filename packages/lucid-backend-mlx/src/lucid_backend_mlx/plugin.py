"""The entry point Lucid loads (group ``lucid.backends``): hook implementations.

``mlx`` is imported inside the hook, not at module import: a missing ``mlx`` then becomes
an ``ImportError`` with an install hint that Lucid reports when the backend is asked for,
while every other plugin keeps loading.
"""

from lucid.hookspecs import hookimpl

INSTALL_HINT = ("pip install 'lucid-backend-mlx[cpu]' (MLX's CPU build), "
                "'lucid-backend-mlx[cuda]' (NVIDIA GPUs) or plain 'lucid-backend-mlx' on macOS")


@hookimpl
def lucid_backends():
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
