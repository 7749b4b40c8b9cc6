"""``lucid.flops``: multiply-add counting (``lucid.count_flops``, ``Tensor.flops``).

:mod:`.formulas` says what one op call costs; :mod:`.counter` swaps a counting dispatch in
while a ``count_flops`` block is open.
"""

from lucid.flops.counter import FlopCounter, count_flops, tensor_flops
from lucid.flops.formulas import macs

__all__ = ["FlopCounter", "count_flops", "macs", "tensor_flops"]
