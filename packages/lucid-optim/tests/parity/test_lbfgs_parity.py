"""LBFGS against ``torch.optim.LBFGS``: closure-based steps on L2-regularised logistic
regression (strictly convex: quasi-Newton steps on the MLP amplify rounding chaotically),
float64; parameters within 1e-10 (relative) after every step."""

from __future__ import annotations

import numpy as np
import pytest
import torch  # noqa: E402
from _optim_parity_problem import INIT_CONVEX as INIT  # noqa: E402
from _optim_parity_problem import convex_loss_and_grads as loss_and_grads  # noqa: E402

import lucid  # noqa: E402
import lucid.optim as lo  # noqa: E402

OPTIONS = [dict(), dict(max_iter=2), dict(max_iter=4), dict(max_iter=3, history_size=2),
           dict(lr=0.5, max_iter=5, max_eval=6), dict(line_search_fn="strong_wolfe"),
           dict(line_search_fn="strong_wolfe", max_iter=4, history_size=3),
           dict(tolerance_grad=1e-4, tolerance_change=1e-6, max_iter=10)]


def _closures(lps, tps):
    def lucid_closure():
        loss, grads = loss_and_grads([p.numpy() for p in lps])
        for p, g in zip(lps, grads):
            p.grad = lucid.tensor(g, dtype=lucid.float64)
        return lucid.tensor(loss, dtype=lucid.float64)

    def torch_closure():
        loss, grads = loss_and_grads([p.detach().numpy() for p in tps])
        for p, g in zip(tps, grads):
            p.grad = torch.from_numpy(g)
        return torch.tensor(loss, dtype=torch.float64)

    return lucid_closure, torch_closure


@pytest.mark.parametrize("kwargs", OPTIONS, ids=lambda kw: "-".join(
    f"{k}={v}" for k, v in kw.items()) or "defaults")
def test_lbfgs_matches_torch(kwargs):
    lps = [lucid.tensor(a.copy(), dtype=lucid.float64, requires_grad=True) for a in INIT]
    tps = [torch.tensor(a.copy(), dtype=torch.float64, requires_grad=True) for a in INIT]
    lopt, topt = lo.LBFGS(lps, **kwargs), torch.optim.LBFGS(tps, **kwargs)
    lucid_closure, torch_closure = _closures(lps, tps)
    for step in range(1, 31):
        lloss = lopt.step(lucid_closure)
        tloss = topt.step(torch_closure)
        np.testing.assert_allclose(float(lloss), float(tloss), rtol=1e-10)
        for i, (lp, tp) in enumerate(zip(lps, tps)):
            np.testing.assert_allclose(lp.numpy(), tp.detach().numpy(), rtol=1e-10, atol=1e-13,
                                       err_msg=f"parameter {i} after step {step}")
        lstate, tstate = lopt.state[lps[0]], topt.state[tps[0]]
        assert lstate["func_evals"] == tstate["func_evals"]
        assert lstate["n_iter"] == tstate["n_iter"]


def test_lbfgs_state_dict_layout_matches_torch():
    lps = [lucid.tensor(a.copy(), dtype=lucid.float64, requires_grad=True) for a in INIT]
    tps = [torch.tensor(a.copy(), dtype=torch.float64, requires_grad=True) for a in INIT]
    lopt, topt = lo.LBFGS(lps, max_iter=3), torch.optim.LBFGS(tps, max_iter=3)
    lucid_closure, torch_closure = _closures(lps, tps)
    for _ in range(3):
        lopt.step(lucid_closure)
        topt.step(torch_closure)
    lstate, tstate = lopt.state_dict()["state"], topt.state_dict()["state"]
    assert list(lstate) == list(tstate) == [0]
    assert set(lstate[0]) == set(tstate[0])
    for key in ("d", "prev_flat_grad"):
        np.testing.assert_allclose(lstate[0][key].numpy(), tstate[0][key].numpy(), rtol=1e-10)
    for key in ("old_dirs", "old_stps"):
        assert len(lstate[0][key]) == len(tstate[0][key])
        for a, b in zip(lstate[0][key], tstate[0][key]):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-9, atol=1e-15)
    for key in ("t", "H_diag", "prev_loss"):
        np.testing.assert_allclose(float(lstate[0][key]), float(tstate[0][key]), rtol=1e-10)
    assert lopt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]
