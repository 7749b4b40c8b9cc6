"""Adam and AdamW (Adam with decoupled weight decay)."""

from __future__ import annotations

import lucid
from lucid.autograd import raw_ops
from lucid.optim._adam_family import adam_update, check_betas
from lucid.optim.optimizer import Optimizer, store

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), with optional AMSGrad and decoupled weight decay.

    With ``g`` the gradient (negated when ``maximize``) and ``t`` the step count::

        g = g + weight_decay * p                 (L2 penalty; or, decoupled:
        p = p * (1 - lr * weight_decay)           the AdamW decay of the weights)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        v_max = max(v_max, v)                    (amsgrad: v_max replaces v below)
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    Args:
        params: tensors or parameter groups.
        lr (float): learning rate, default ``1e-3``.
        betas (tuple[float, float]): decay rates of ``m`` and ``v``, default ``(0.9, 0.999)``.
        eps (float): added to the denominator, default ``1e-8``.
        weight_decay (float): weight decay, default ``0``.
        amsgrad (bool): use the running maximum of ``v``, default ``False``.
        maximize (bool): maximize the objective.
        decoupled_weight_decay (bool): decay the weights directly (AdamW), default ``False``.
        fused (bool | None): use the backend's fused kernel ``adam_update_`` (one call per
            parameter, in place on NumPy) when it has one (``None``, the default), never
            (``False``: the composite formula, one kernel per operation), or always
            (``True``: a backend without it is an error).

    State: ``step`` (a Python float; a 0-d tensor in :meth:`state_dict`), ``exp_avg`` (m),
    ``exp_avg_sq`` (v), ``max_exp_avg_sq`` (amsgrad).

    Example::

        opt = Adam(model.parameters(), lr=1e-3)
    """

    fused_kernel = "adam_update_"

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False, fused: bool | None = None,
                 capturable: bool = False):
        if capturable and fused:
            raise ValueError(f"{type(self).__name__}: capturable=True uses the composite "
                             "formula; it cannot be combined with fused=True")
        self.fused = False if capturable else fused
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      capturable=bool(capturable)))

    def validate_group(self, group, step=False):
        check_betas(type(self).__name__, group, step)

    def init_state(self, p, group):
        step = lucid.zeros((), dtype=p.dtype, device=p.device) if group["capturable"] else 0.0
        state = {"step": step, "exp_avg": lucid.zeros_like(p),
                 "exp_avg_sq": lucid.zeros_like(p)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = lucid.zeros_like(p)
        return state

    def update(self, p, grad, state, group):
        k = raw_ops(p)
        amsgrad = group["amsgrad"]
        if amsgrad and "max_exp_avg_sq" not in state:  # amsgrad switched on later
            state["max_exp_avg_sq"] = lucid.zeros_like(p)
        if group["capturable"]:  # the count stays on the device: t is an array
            step = state["step"]
            if not isinstance(step, lucid.Tensor):  # e.g. after load_state_dict
                step = state["step"] = lucid.tensor(float(step), dtype=p.dtype,
                                                    device=p.device)
            t = step.add_(1.0).data
        else:
            t = state["step"] = state["step"] + 1.0
        m, v = state["exp_avg"], state["exp_avg_sq"]
        v_max = state["max_exp_avg_sq"].data if amsgrad else None
        beta1, beta2 = group["betas"]
        hyper = dict(step=t, lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                     weight_decay=group["weight_decay"],
                     decoupled=group["decoupled_weight_decay"], amsgrad=amsgrad,
                     maximize=group["maximize"])
        fused = self.fused_kernel_for(k)
        if fused is not None:
            x, m_new, v_new, v_max = fused(self.owned_data(p, k), grad, m.data, v.data, v_max,
                                           **hyper)
        else:
            x, m_new, v_new, v_max = adam_update(k, p.data, grad, m.data, v.data, v_max,
                                                 **hyper)
        self.set_param(p, x)
        store(state, "exp_avg", m_new, p)
        store(state, "exp_avg_sq", v_new, p)
        if amsgrad:
            store(state, "max_exp_avg_sq", v_max, p)


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay.

    Same update as :class:`Adam` except that the weights decay directly::

        p = p * (1 - lr * weight_decay)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    Defaults as PyTorch: ``lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2``;
    ``fused`` as in :class:`Adam`.

    Example::

        opt = AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 fused: bool | None = None, capturable: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, decoupled_weight_decay=True,
                         fused=fused, capturable=capturable)
