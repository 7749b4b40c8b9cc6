"""lucid-backend-numpy: NumPy kernels for every Lucid op, serving device ``cpu``.

``set_num_threads(n)`` / ``num_threads()``: threads the batch-parallel kernels use
(see :mod:`lucid_backend_numpy.kernels._parallel`; BLAS threads are OpenBLAS's own).
Importing it keeps mid-sized arrays in the heap (:mod:`lucid_backend_numpy.allocator`).
"""

from lucid_backend_numpy import allocator  # noqa: F401 - sets glibc's malloc thresholds
from lucid_backend_numpy.kernels._parallel import num_threads, set_num_threads

__all__ = ["num_threads", "set_num_threads"]
__version__ = "0.1.0"
