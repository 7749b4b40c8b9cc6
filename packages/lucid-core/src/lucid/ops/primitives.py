"""The required kernels: the primitives every backend must provide.

A backend that implements these kernels (with the signatures declared in
:mod:`lucid.ops.signatures`) runs every Lucid op: every other op is defined in core as a
composite of primitives (``Op.composite``), and a backend may still supply a kernel for
it (a fused one, for speed), which then replaces the composite. ``lucid.backends.coverage()``
reports, per backend, the required kernels present and missing and its optional overrides.

The choice: what cannot be written with other ops without losing exactness or making a
Python loop of it (the arithmetic, the transcendental functions, the ways to move and
index data, the reductions, a sort, a scan, the matrix product and the
decompositions), and nothing that can.
"""

from __future__ import annotations

from lucid.ops.signatures import SIGNATURES, KernelSignature

#: The primitive op names by group (the groups only organise the documentation).
PRIMITIVE_GROUPS: dict[str, tuple[str, ...]] = {
    # x + y, x * y, x / y, x ** y, floor(x / y) (exact for integers; raises on an integer
    # division by zero)
    "arithmetic": ("add", "mul", "div", "pow", "floor_divide"),
    # ==, < (every other comparison and the logical ops are written with these and where)
    "comparison": ("eq", "lt"),
    # the transcendental functions and floor (the rest: exp/log identities, trigonometric
    # identities, floor-based rounding)
    "elementwise": ("exp", "log", "sin", "cos", "arctan", "erf", "floor"),
    # choosing, converting, creating
    "selection": ("where", "astype", "full", "arange"),
    # views and data movement
    "movement": ("reshape", "permute", "broadcast_to", "concatenate"),
    # reading and writing by index
    "indexing": ("getitem", "setitem", "gather", "scatter_add", "nonzero"),
    # reductions and the scan
    "reduction": ("sum", "prod", "amax", "argmax", "cumsum"),
    # ordering
    "ordering": ("argsort",),
    # the matrix product
    "products": ("matmul",),
    # randomness: every random op draws from uniform
    "random": ("uniform",),
    # the decompositions (everything else in lucid.linalg is written with them)
    "linalg": ("qr", "svd", "eigh", "eig", "cholesky", "solve", "det", "slogdet"),
}

#: Every primitive with its declared kernel signature, in documentation order.
REQUIRED_KERNELS: dict[str, KernelSignature] = {
    op: SIGNATURES[op] for group in PRIMITIVE_GROUPS.values() for op in group}

REQUIRED: frozenset[str] = frozenset(REQUIRED_KERNELS)


def is_required(op: str) -> bool:
    """Whether every backend must provide a kernel for ``op``."""
    return op in REQUIRED
