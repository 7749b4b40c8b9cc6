"""Moving an optimizer's state to a device: :meth:`lucid.optim.Optimizer.to`.

After ``lucid.backends.bind(device, backend)`` the tensors made by the previous backend must
be moved (``t.to(device)``) before use. A model moves with ``model.to(device)``; its
optimizer's state (momentum buffers, Adam's moments, ...) is moved by ``optimizer.to(device)``
(or both at once by ``lucid.backends.rebind(device, backend, model, optimizer)``). The
parameters themselves belong to the model and are moved with it.
"""

from __future__ import annotations

from typing import Any

from lucid import Tensor


def moved(value: Any, device) -> Any:
    """``value`` with every tensor in it (also inside lists, tuples, dicts) on ``device``."""
    if isinstance(value, Tensor):
        return value.to(device).detach()
    if isinstance(value, (list, tuple)):
        return type(value)(moved(v, device) for v in value)
    if isinstance(value, dict):
        return {k: moved(v, device) for k, v in value.items()}
    return value


def move_state(optimizer, device) -> None:
    """Replace every state tensor of ``optimizer`` by its copy on ``device``."""
    optimizer.state = {p: moved(s, device) for p, s in optimizer.state.items()}
