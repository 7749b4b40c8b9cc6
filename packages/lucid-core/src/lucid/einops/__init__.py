"""``lucid.einops``: einops' readable tensor operations, written on Lucid ops.

``rearrange``, ``reduce``, ``repeat`` (:mod:`.rearrange`), ``pack`` / ``unpack``
(:mod:`.pack`), ``einsum`` (:mod:`.einsum`) and ``parse_shape`` (:mod:`.parse_shape`)
take einops' pattern language (parsed in :mod:`.pattern`), work on any backend, and are
differentiable because every step is an existing op. The layers ``lucid.nn.Rearrange``
and ``lucid.nn.Reduce`` wrap them.

It lives in lucid-core (it needs only core ops) so ``import lucid`` gives it to every
package; it has no dependency on the ``einops`` package, which only its tests use.
"""

from lucid.einops.einsum import einsum
from lucid.einops.pack import pack, unpack
from lucid.einops.parse_shape import parse_shape
from lucid.einops.rearrange import rearrange, reduce, repeat

__all__ = ["einsum", "pack", "parse_shape", "rearrange", "reduce", "repeat", "unpack"]
