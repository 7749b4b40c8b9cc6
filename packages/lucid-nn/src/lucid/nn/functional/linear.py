"""Affine maps: ``linear`` and ``bilinear``."""

from __future__ import annotations

from lucid.errors import ShapeError
from lucid.ops.linear import linear as linear_op
from lucid.tensor import Tensor

__all__ = ["linear", "bilinear"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y = x W^T + b`` for ``x`` of shape ``(*, in)``, ``W`` of shape ``(out, in)``,
    ``b`` of shape ``(out,)``; ``y`` has shape ``(*, out)``."""
    if input.shape[-1:] != weight.shape[-1:]:
        raise ShapeError(f"linear: input of shape {input.shape} does not match weight of "
                         f"shape {weight.shape} (in_features {weight.shape[-1]})")
    if weight.ndim == 2 and input.ndim > 2:
        # one 2-D product over all leading dims: the weight gradient is then one GEMM,
        # not a batch of per-sample products summed afterwards
        lead = input.shape[:-1]
        out = linear(input.reshape(-1, input.shape[-1]), weight, bias)
        return out.reshape(lead + (weight.shape[0],))
    if weight.ndim == 2 and input.ndim == 2 and input.dtype == weight.dtype and (
            bias is None or (bias.dtype == weight.dtype and bias.ndim == 1)):
        # one op: the weight gradient comes out in the weight's layout (lucid.ops.linear)
        return linear_op(input, weight, bias)
    out = input @ weight.mT if weight.ndim == 2 else input @ weight
    return out + bias if bias is not None else out


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
             bias: Tensor | None = None) -> Tensor:
    """``y_k = x1^T W_k x2 + b_k`` for ``x1 (*, in1)``, ``x2 (*, in2)``,
    ``W (out, in1, in2)``; ``y`` has shape ``(*, out)``."""
    out_f, in1, in2 = weight.shape
    if input1.shape[-1] != in1 or input2.shape[-1] != in2 or \
            input1.shape[:-1] != input2.shape[:-1]:
        raise ShapeError(f"bilinear: inputs {input1.shape} and {input2.shape} do not match "
                         f"weight {weight.shape}")
    lead = input1.shape[:-1]
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    # (N, in1) @ (in1, out*in2) -> (N, out, in2), then contract with x2 over in2
    t = (x1 @ weight.permute(1, 0, 2).reshape(in1, out_f * in2)).reshape(-1, out_f, in2)
    out = (t @ x2.reshape(-1, in2, 1)).reshape(lead + (out_f,))
    return out + bias if bias is not None else out
