"""Fused optimizer updates: optional kernels that ``lucid.optim`` calls, one per parameter
and step, instead of composing the update from one kernel call per operation.

They are not ops (no Tensor function, no VJP): the optimizers look them up with
``backend.kernels.get(name)`` and fall back to the composite formula when a backend lacks
them. Every array has the parameter's shape and floating dtype; the hyper-parameters are
Python numbers.

**Convention.** A kernel returns the updated arrays as a tuple. This NumPy version writes
them *in place* (``out=`` ufuncs, at most two parameter-sized temporaries) and returns the
very arrays it was given, mutated. An array it cannot write safely (read-only, or not
C-contiguous: a view whose writes would land in another array) is copied first, and the
copy is what it returns. ``grad`` is only read; when it overlaps an array being written it
is copied first. The param and state arrays must not overlap one another (the
optimizer's own arrays never do). The caller stores what is returned
(``param.set_(returned)``: the same object, so only its version is bumped).

``sgd_update_(param, grad, momentum_buffer, *, lr, momentum, dampening, weight_decay,
nesterov, maximize) -> (param, momentum_buffer)``::

    g = -grad if maximize else grad
    g = g + weight_decay * param
    b = copy of g                               (momentum_buffer None: the first step)
    b = momentum * b + (1 - dampening) * g      (later steps)
    g = g + momentum * b  if nesterov  else  b  (when momentum != 0)
    param = param - lr * g

``momentum_buffer`` is ``None`` in on the first step (a new buffer comes out) and ``None``
out when ``momentum == 0``.

``adam_update_(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, *, step, lr, beta1,
beta2, eps, weight_decay, decoupled, amsgrad, maximize) -> (param, exp_avg, exp_avg_sq,
max_exp_avg_sq)``, with ``t = step`` (already counting this step, starting at 1)::

    g = -grad if maximize else grad
    param = param * (1 - lr * weight_decay)     (decoupled: AdamW)
    g = g + weight_decay * param                (otherwise: L2 penalty)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g^2
    v_max = max(v_max, v)                       (amsgrad; v_max replaces v below)
    param = param - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

``max_exp_avg_sq`` is ``None`` in and out without ``amsgrad``.

Each kernel performs the operations of the formula in the same order and with the same
Python-float coefficients as ``lucid.optim``'s composite path, so the two agree to the
last bit in float64 and float32 alike (the conformance suite checks them against plain
NumPy references).
"""

from __future__ import annotations

import numpy as np

from lucid_backend_numpy.kernels._registry import KERNELS

__all__ = ["sgd_update_", "adam_update_"]


def _register(name: str):
    """Register the kernel as it is: it returns a tuple of arrays (or ``None`` for an
    absent buffer), never a NumPy scalar, so the registry's ``asarray`` wrapper is not
    wanted."""

    def add(fn):
        if name in KERNELS:
            raise ValueError(f"numpy backend: kernel {name!r} registered twice")
        KERNELS[name] = fn
        return fn

    return add


def _writable(x: np.ndarray) -> np.ndarray:
    """``x`` when it may be written in place, else a C-contiguous copy."""
    flags = x.flags
    if flags.writeable and flags.c_contiguous:
        return x
    return np.array(x, order="C")


def _or_new(scratch, like: np.ndarray) -> np.ndarray:
    """``scratch`` (a temporary free to be overwritten), else a new array like ``like``
    (explicit ``out=`` arrays keep 0-d results arrays, not NumPy scalars)."""
    return np.empty_like(like) if scratch is None else scratch


def _readable(grad: np.ndarray, *written) -> np.ndarray:
    """``grad``, or a copy of it when it may overlap an array about to be written."""
    for w in written:
        if w is not None and np.may_share_memory(grad, w):
            return grad.copy()
    return grad


@_register("sgd_update_")
def sgd_update_(param, grad, momentum_buffer, *, lr, momentum, dampening, weight_decay,
                nesterov, maximize):
    param = _writable(param)
    b = None if momentum_buffer is None else _writable(momentum_buffer)
    grad = _readable(grad, param, b)
    # g = -grad if maximize else grad;  g = g + weight_decay * param
    if weight_decay != 0:
        g = np.multiply(param, weight_decay, out=np.empty_like(param))
        (np.subtract if maximize else np.add)(g, grad, out=g)
    elif maximize:
        g = np.negative(grad, out=np.empty_like(param))
    else:
        g = grad
    scratch = None if g is grad else g  # a temporary free to be overwritten
    u = g  # the direction: param = param - lr * u
    if momentum != 0:
        if b is None:  # first step: b = g, a buffer of its own
            b = g.copy() if scratch is None else g
            scratch = None
        else:  # b = momentum * b + (1 - dampening) * g
            b *= momentum
            if dampening == 0:
                b += g
            else:  # dampening != 0 rules out nesterov: g is not read again
                b += np.multiply(g, 1 - dampening, out=_or_new(scratch, param))
        if nesterov:  # u = g + momentum * b
            u = np.multiply(b, momentum, out=np.empty_like(param))
            u += g
            scratch = u
        else:  # u = b
            u = b
    # param = param - lr * u
    param -= np.multiply(u, lr, out=_or_new(scratch, param))
    return param, (b if momentum != 0 else None)


@_register("adam_update_")
def adam_update_(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, *, step, lr, beta1, beta2,
                 eps, weight_decay, decoupled, amsgrad, maximize):
    param, m, v = _writable(param), _writable(exp_avg), _writable(exp_avg_sq)
    v_max = None
    if amsgrad:
        v_max = np.zeros_like(param) if max_exp_avg_sq is None else _writable(max_exp_avg_sq)
    grad = _readable(grad, param, m, v, v_max)
    negated = maximize  # g is -grad: subtract where the formula adds
    g = grad
    if weight_decay != 0:
        if decoupled:  # param = param * (1 - lr * weight_decay)
            param *= 1 - lr * weight_decay
        else:  # g = g + weight_decay * param
            g = np.multiply(param, weight_decay, out=np.empty_like(param))
            (np.subtract if maximize else np.add)(g, grad, out=g)
            negated = False
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # m = beta1 * m + (1 - beta1) * g
        m *= beta1
        tmp = np.multiply(g, 1 - beta1, out=np.empty_like(param))
        (np.subtract if negated else np.add)(m, tmp, out=m)
        # v = beta2 * v + (1 - beta2) * g^2
        v *= beta2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - beta2
        v += tmp
        if amsgrad:  # v_max = max(v_max, v)
            np.maximum(v_max, v, out=v_max)
        # denom = sqrt(v) / sqrt(1 - beta2^t) + eps
        np.sqrt(v_max if amsgrad else v, out=tmp)
        tmp /= (1 - beta2 ** step) ** 0.5
        tmp += eps
        # param = param - lr / (1 - beta1^t) * m / denom
        np.divide(m, tmp, out=tmp)
        tmp *= lr / (1 - beta1 ** step)
        param -= tmp
    return param, m, v, v_max
