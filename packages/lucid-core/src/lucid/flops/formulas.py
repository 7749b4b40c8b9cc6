"""How many multiply-adds (MACs) one op call costs, from its input and output shapes.

The convention (the one fvcore, thop and torchvision's model tables use for "FLOPs"): a
contraction counts one per multiply-add, every other op that computes counts one per
element, and ops that only move or make data count nothing.

============================  ==========================================================
op                            multiply-adds
============================  ==========================================================
``conv``                      ``numel(out) * C_in/groups * prod(kernel)`` = ``numel(out) *
                              prod(w.shape[1:])``
``conv_transpose``            ``numel(x) * prod(w.shape[1:])`` (each input pixel scatters
                              through ``C_out/groups * prod(kernel)`` weights)
``conv_weight_grad``          ``numel(dw) * numel(g) / g.shape[1]``
``matmul``                    ``numel(out) * K`` (``K`` the contracted length)
``linear``                    ``numel(out) * in`` plus ``numel(out)`` for the bias
``einsum``                    product of the sizes of every letter (two or more operands)
``scaled_dot_product_attn``   ``B * L * S * (E + E_v)`` (scores and weighted sum)
``lstm_cell`` / ``gru_cell``  ``N * gates * H`` (the recurrent matmul; the input projection
                              is a separate ``matmul``)
pooling (``max/avg_pool``)    ``numel(out) * prod(kernel_size)``
reductions, softmax, norms    ``numel(input)``
elementwise ops               ``numel(out)``
movement / creation / index   0 (``reshape``, ``permute``, ``getitem``, ``concatenate``,
                              ``pad``, ``astype``, ``full``, random draws, ...)
============================  ==========================================================

Each formula receives the kernel's native input arrays, its output (an array or a tuple)
and the op's keyword parameters; only ``.shape`` is read, so it costs nothing and works on
any backend.
"""

from __future__ import annotations

import math

__all__ = ["macs", "FREE_OPS", "REDUCTION_OPS"]

FREE_OPS = frozenset({
    "reshape", "permute", "broadcast_to", "getitem", "setitem", "concatenate", "split", "pad",
    "clone", "astype", "full", "arange", "linspace", "logspace", "eye", "tril", "triu", "roll",
    "gather", "scatter", "nonzero", "unique", "uniform", "normal", "randint", "randperm",
    "bernoulli", "multinomial", "dropout_mask", "embedding", "unfold", "fold", "pool_gather",
    "pool_scatter", "getitem_grad", "searchsorted", "to_device", "argsort", "argtopk",
    "argkthvalue", "class_target_weights",
})
"""Ops that only move, select or make data."""

REDUCTION_OPS = frozenset({
    "sum", "prod", "amax", "amin", "max_dim", "min_dim", "argmax", "argmin", "any", "all",
    "var", "cumsum", "cumprod", "softmax", "log_softmax", "layer_norm", "cross_entropy",
    "nll_loss", "adaptive_max_pool", "embedding_backward", "scatter_add", "avg_pool_transpose",
})
"""Ops that read every input element once or a few times: ``numel(input)``."""


def _numel(shape) -> int:
    return math.prod(int(n) for n in shape)


def _first(out):
    return out[0] if isinstance(out, (tuple, list)) else out


def _conv(inputs, out, params) -> int:
    return _numel(_first(out).shape) * _numel(inputs[1].shape[1:])


def _conv_transpose(inputs, out, params) -> int:
    return _numel(inputs[0].shape) * _numel(inputs[1].shape[1:])


def _conv_weight_grad(inputs, out, params) -> int:
    g = inputs[1].shape
    return _numel(_first(out).shape) * (_numel(g) // max(int(g[1]), 1))


def _matmul(inputs, out, params) -> int:
    return _numel(_first(out).shape) * int(inputs[0].shape[-1])


def _linear(inputs, out, params) -> int:  # (x, w, *b): the product, then the bias add
    bias = _numel(_first(out).shape) if len(inputs) == 3 else 0
    return _matmul(inputs, out, params) + bias


def _einsum(inputs, out, params) -> int:
    if len(inputs) == 1:
        return _numel(inputs[0].shape)
    terms = params["subscripts"].split("->")[0].split(",")
    sizes = {}
    for term, x in zip(terms, inputs):
        sizes.update(zip(term, (int(n) for n in x.shape)))
    return _numel(sizes.values())


def _attention(inputs, out, params) -> int:
    q, k, v = inputs[0].shape, inputs[1].shape, inputs[2].shape
    batch = _numel(_first(out).shape[:-2])
    return batch * int(q[-2]) * int(k[-2]) * (int(q[-1]) + int(v[-1]))


def _lstm_cell(inputs, out, params) -> int:  # (xp, h, c, w_hh, *b_hh)
    return int(inputs[1].shape[0]) * _numel(inputs[3].shape)


def _gru_cell(inputs, out, params) -> int:  # (xp, h, w_hh, *b_hh)
    return int(inputs[1].shape[0]) * _numel(inputs[2].shape)


def _pool(inputs, out, params) -> int:
    return _numel(_first(out).shape) * _numel(params["kernel_size"])


_FORMULAS = {
    "conv": _conv, "conv_transpose": _conv_transpose, "conv_weight_grad": _conv_weight_grad,
    "matmul": _matmul, "linear": _linear, "einsum": _einsum,
    "scaled_dot_product_attention": _attention,
    "lstm_cell": _lstm_cell, "gru_cell": _gru_cell,
    "max_pool": _pool, "avg_pool": _pool,
}


def macs(name: str, inputs, out, params) -> int:
    """Multiply-adds of one call of op ``name`` (see the table in the module doc)."""
    if name in FREE_OPS:
        return 0
    formula = _FORMULAS.get(name)
    if formula is not None:
        return int(formula(inputs, out, params))
    if name in REDUCTION_OPS:
        return _numel(getattr(inputs[0], "shape", ())) if inputs else 0
    return _numel(getattr(_first(out), "shape", ()))
