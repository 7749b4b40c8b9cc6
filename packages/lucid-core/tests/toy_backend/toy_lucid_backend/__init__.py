"""A third-party Lucid backend that lives only under tests/: the worked example of
docs/writing-a-backend.md.

Its native array is :class:`ToyArray`, a thin box around a NumPy array, so that Lucid
cannot mistake it for the NumPy backend's arrays. It implements a handful of ops; the
coverage report of ``lucid.backends.coverage()`` lists the rest as missing.
"""

__version__ = "0.1.0"
