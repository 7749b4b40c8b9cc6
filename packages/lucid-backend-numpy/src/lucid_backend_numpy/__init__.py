"""lucid-backend-numpy: NumPy kernels for every Lucid op, serving device ``cpu``."""

__version__ = "0.1.0"
