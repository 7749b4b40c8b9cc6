"""lucid-backend-mlx: MLX kernels for every Lucid op, serving device ``gpu`` (and ``cpu``
when bound to it with ``lucid.backends.bind("cpu", "mlx")``)."""

__version__ = "0.1.0"
