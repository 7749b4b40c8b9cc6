"""Lucid's typed errors. Each message names the op and the values involved."""


class LucidError(Exception):
    """Base class of Lucid's own errors."""


class ShapeError(LucidError, ValueError):
    """Shapes that an op cannot combine; the message gives the op and every shape."""


class DTypeError(LucidError, TypeError):
    """A dtype an op does not accept, or an unknown dtype name."""


class DeviceMismatchError(LucidError, RuntimeError):
    """Tensors on different devices met in one op; the message names both devices."""


class BackendError(LucidError, RuntimeError):
    """A backend is missing, cannot serve a device, or failed to load."""


class LinAlgError(LucidError, ValueError):
    """A linear-algebra failure (singular matrix, not positive-definite, no convergence);
    the message names the op."""
