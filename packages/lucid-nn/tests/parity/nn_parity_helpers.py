"""Shared checks for the lucid.nn parity tests: identical weights in a Lucid layer and its
torch twin, then outputs and every gradient compared through NumPy."""

from __future__ import annotations

import numpy as np
import torch

import lucid

RTOL = {"float32": 1e-5, "float64": 1e-10}
TORCH_DTYPE = {"float32": torch.float32, "float64": torch.float64}


def require(*names: str) -> None:
    """Fail clearly when a core op the layer calls does not exist."""
    missing = [n for n in names if not hasattr(lucid, n)]
    assert not missing, f"core op(s) missing: {', '.join(missing)}"


def assert_close(got, want, dtype: str, what: str, rtol: float | None = None) -> None:
    """Elementwise ``|got - want| <= rtol * (|want| + max|want|)`` with rtol 1e-5 (float32)
    or 1e-10 (float64): relative to each value, with a floor at the tensor's scale."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    rtol = rtol or RTOL[dtype]
    scale = float(np.abs(want).max()) if want.size else 0.0
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * max(scale, 1e-30),
                               err_msg=what)


def compare_outputs_and_backward(t_outs, l_outs, dtype: str, rng) -> None:
    """Compare each output pair, then backpropagate ``sum_i sum(out_i * r_i)`` through
    both (``r_i`` drawn from ``rng`` in order), so the caller can compare gradients."""
    t_loss, l_loss = 0, 0
    for i, (t, lt) in enumerate(zip(t_outs, l_outs)):
        assert_close(lt.numpy(), t.detach().numpy(), dtype, f"output {i}")
        r = rng.standard_normal(t.shape).astype(dtype)
        t_loss = t_loss + (t * torch.tensor(r)).sum()
        l_loss = l_loss + (lt * lucid.tensor(r)).sum()
    t_loss.backward()
    l_loss.backward()


def copy_torch_weights(lucid_layer, torch_layer) -> None:
    """Load the torch layer's state dict into the Lucid layer (same keys, strict)."""
    state = {k: lucid.tensor(v.detach().cpu().numpy()) for k, v in
             torch_layer.state_dict().items()}
    lucid_layer.load_state_dict(state)


def check_layer(lucid_layer, torch_layer, inputs, dtype: str = "float32", train=(True, False),
                grad_inputs: bool = True, compare_buffers: bool = True, seed_grad: bool = True,
                forward_kwargs=None, grad_rtol: float | None = None) -> None:
    """Copy weights, then for each mode in ``train`` compare the output, the gradient of
    ``sum(output * r)`` (``r`` fixed random) w.r.t. every float input and parameter, and
    the buffers after the step."""
    forward_kwargs = forward_kwargs or {}
    torch_layer = torch_layer.to(TORCH_DTYPE[dtype])
    lucid_layer = lucid_layer.to(dtype)
    copy_torch_weights(lucid_layer, torch_layer)
    rng = np.random.default_rng(12345)  # not the inputs' seed
    for mode in train:
        torch_layer.train(mode)
        lucid_layer.train(mode)
        t_in, l_in = [], []
        for a in inputs:
            a = np.asarray(a)
            floating = a.dtype.kind == "f"
            if floating:
                a = a.astype(dtype)
            t = torch.tensor(a, requires_grad=floating and grad_inputs)
            lt = lucid.tensor(a, requires_grad=floating and grad_inputs)
            t_in.append(t)
            l_in.append(lt)
        t_out = torch_layer(*t_in, **forward_kwargs)
        l_out = lucid_layer(*l_in, **forward_kwargs)
        if isinstance(t_out, tuple):
            t_out, l_out = t_out[0], l_out[0]
        assert_close(l_out.numpy(), t_out.detach().numpy(), dtype, f"output (train={mode})")
        if not t_out.requires_grad:
            continue
        r = rng.standard_normal(t_out.shape).astype(dtype) if seed_grad else \
            np.ones(t_out.shape, dtype)
        (t_out * torch.tensor(r)).sum().backward()
        (l_out * lucid.tensor(r)).sum().backward()
        for i, (t, lt) in enumerate(zip(t_in, l_in)):
            if t.grad is not None:
                assert lt.grad is not None, f"input {i} has no gradient"
                assert_close(lt.grad.numpy(), t.grad.numpy(), dtype,
                             f"grad of input {i} (train={mode})", grad_rtol)
        lucid_params = dict(lucid_layer.named_parameters())
        for name, p in torch_layer.named_parameters():
            if p.grad is None:
                continue
            lp = lucid_params[name]
            assert lp.grad is not None, f"parameter {name} has no gradient"
            assert_close(lp.grad.numpy(), p.grad.numpy(), dtype,
                         f"grad of {name} (train={mode})", grad_rtol)
        torch_layer.zero_grad()
        lucid_layer.zero_grad()
        if compare_buffers:
            lucid_buffers = dict(lucid_layer.named_buffers())
            for name, b in torch_layer.named_buffers():
                got = lucid_buffers[name].numpy()
                if b.dtype.is_floating_point:
                    assert_close(got, b.numpy(), dtype, f"buffer {name} (train={mode})")
                else:
                    np.testing.assert_array_equal(got, b.numpy(), err_msg=name)
