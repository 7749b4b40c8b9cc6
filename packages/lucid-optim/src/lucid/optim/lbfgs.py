"""L-BFGS with an optional strong-Wolfe line search (closure-based).

As in PyTorch, the vectors of the method (gradient, direction, history pairs) are flat
1-D tensors over all parameters, concatenated in parameter order.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import lucid
from lucid import Tensor
from lucid.errors import DeviceMismatchError
from lucid.lazy import tensors_in
from lucid.optim._math import abs_sum, dot, dot_lazy, max_abs
from lucid.optim.optimizer import Optimizer, check_lr, check_number, evaluate

__all__ = ["LBFGS"]


class LBFGS(Optimizer):
    r"""Limited-memory BFGS (Nocedal, 1980), following PyTorch's (minFunc's) algorithm.

    Each :meth:`step` runs up to ``max_iter`` iterations. With ``g`` the gradient, the
    history pairs ``s_i = x_{i+1} - x_i``, ``y_i = g_{i+1} - g_i`` (kept when
    ``y.s > 1e-10``), ``rho_i = 1 / (y_i . s_i)`` and ``H0 = (y.s) / (y.y)`` of the newest
    pair, the direction ``d = -H g`` comes from the two-loop recursion::

        q = -g
        for i = newest .. oldest:  a_i = rho_i s_i.q;   q = q - a_i y_i
        r = H0 q
        for i = oldest .. newest:  b_i = rho_i y_i.r;   r = r + (a_i - b_i) s_i
        d = r

    then ``x = x + t d`` with ``t = lr`` (``min(1, 1/|g|_1) * lr`` on the very first
    iteration), or ``t`` from a strong-Wolfe line search (``c1 = 1e-4, c2 = 0.9``, cubic
    interpolation) when ``line_search_fn="strong_wolfe"``. Iteration stops when
    ``max|g| <= tolerance_grad``, ``max|t d| <= tolerance_change``,
    ``|f - f_prev| < tolerance_change``, or after ``max_iter`` iterations / ``max_eval``
    function evaluations.

    Args:
        params: tensors (a single group only).
        lr (float): default ``1``.
        max_iter (int): iterations per step, default ``20``.
        max_eval (int | None): evaluations per step, default ``max_iter * 5 // 4``.
        tolerance_grad (float): default ``1e-7``.
        tolerance_change (float): default ``1e-9``.
        history_size (int): default ``100``.
        line_search_fn (str | None): ``None`` or ``"strong_wolfe"``.

    ``step(closure)`` needs the closure: it clears the gradients, computes the loss,
    calls ``backward()`` and returns the loss.

    State (in the state of the first parameter, as in PyTorch): ``func_evals``,
    ``n_iter``, ``d``, ``t``, ``old_dirs``, ``old_stps``, ``ro``, ``H_diag``,
    ``prev_flat_grad``, ``prev_loss``, ``al``; vectors are flat tensors over all
    parameters; ``H_diag`` and the ``al`` coefficients are 0-d tensors (as in PyTorch),
    the other scalars Python floats.

    Host reads: the method branches on ``y.s``, ``g.d``, ``max |g|``, ``max |t d|`` and the
    loss, so those are read back (one device synchronisation each per iteration). The
    two-loop recursion's coefficients (``a_i``, ``b_i``, ``H0``) only scale vectors and
    stay 0-d tensors: no read per history pair.

    Example::

        opt = LBFGS([w], line_search_fn="strong_wolfe")
        def closure():
            opt.zero_grad()
            loss = ((w - 3.0) ** 2).sum()
            loss.backward()
            return loss
        opt.step(closure)
    """

    def __init__(self, params, lr: float = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9,
                 history_size: int = 100, line_search_fn: str | None = None):
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                                      tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change,
                                      history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")

    snapshot_state = False  # the state tensors are replaced, never modified in place
    scalar_state = ()

    def validate_group(self, group, step=False):
        name = type(self).__name__
        check_lr(name, group["lr"], step)
        for key in ("tolerance_grad", "tolerance_change"):
            check_number(name, f"{key} value", group[key])
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(f"{name}: line_search_fn must be None or 'strong_wolfe', got "
                             f"{group['line_search_fn']!r}")

    def add_param_group(self, param_group) -> None:
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    @property
    def _params(self) -> list[Tensor]:
        return self.param_groups[0]["params"]

    # -- vectors over all parameters ---------------------------------------------------
    def _gather_flat_grad(self) -> Tensor:
        """Every parameter's gradient (zeros when None), flattened and concatenated."""
        return lucid.cat([(lucid.zeros_like(p) if p.grad is None else p.grad.detach())
                          .reshape(-1) for p in self._params])

    def _add_grad(self, step_size: float, update: Tensor) -> None:
        """``params = params + step_size * update`` (``update`` flat)."""
        offset = 0
        for p in self._params:
            n = p.numel()
            p.set_(p.detach() + step_size * update[offset:offset + n].reshape(p.shape))
            offset += n

    def _clone_param(self) -> list[Tensor]:
        return [p.detach().clone() for p in self._params]

    def _set_param(self, values: list[Tensor]) -> None:
        for p, v in zip(self._params, values):
            p.set_(v)  # shares v's array: updates make new arrays, never write in place

    def _directional_evaluate(self, closure, x: list[Tensor], t: float, d: Tensor):
        """``f(x + t d)`` and its gradient; the parameters are restored to ``x`` after."""
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    # -- the step ----------------------------------------------------------------------
    def step(self, closure: Callable[[], Tensor | float] | None = None):
        """Run up to ``max_iter`` L-BFGS iterations; returns the first loss."""
        if closure is None:
            raise RuntimeError("LBFGS.step needs a closure that re-evaluates the loss")
        evaluate_loss = lucid.enable_grad()(closure)
        with lucid.no_grad():
            return self._run(evaluate_loss)

    def _run(self, closure):
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]
        params = self._params
        self.validate_group(group, step=True)
        state = self.state.setdefault(params[0], {})
        for p in params[1:]:
            if p.device != params[0].device:
                raise DeviceMismatchError(f"LBFGS.step: all parameters must be on one device, "
                                          f"found {params[0].device} and {p.device}")
        self._check_state(0, params[0], state)
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        for i, p in enumerate(params):
            if p.grad is not None:
                self._check_grad(i, p, p.grad)
        flat_grad = self._gather_flat_grad()
        if max_abs(flat_grad) <= tolerance_grad:
            return orig_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        H_diag = state.get("H_diag")  # noqa: N806 - the name of the math
        prev_flat_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1.0  # noqa: N806
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = dot(y, s)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / dot_lazy(y, y)  # noqa: N806
                if "al" not in state:
                    state["al"] = [None] * history_size
                al = state["al"]
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = dot_lazy(old_stps[i], q) * ro[i]
                    q = q - al[i] * old_dirs[i]
                r = q * H_diag
                for i in range(len(old_dirs)):
                    be_i = dot_lazy(old_dirs[i], r) * ro[i]
                    r = r + (al[i] - be_i) * old_stps[i]
                d = r

            prev_flat_grad = flat_grad.clone()
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / abs_sum(flat_grad)) * lr
            else:
                t = lr
            gtd = dot(flat_grad, d)
            if gtd > -tolerance_change:
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                x_init = self._clone_param()

                def obj_func(x, step, direction):
                    return self._directional_evaluate(closure, x, step, direction)

                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    obj_func, x_init, t, d, loss, flat_grad, gtd,
                    max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = max_abs(flat_grad) <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    loss = float(closure())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = max_abs(flat_grad) <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if max_abs(d * t) <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
                     prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        evaluate(list(params) + [state])
        return orig_loss

    def _check_state(self, index, p, state) -> None:
        """Devices only: the vectors are flat over all parameters."""
        for key, value in state.items():
            for t in tensors_in(value):
                if t.device != p.device:
                    raise DeviceMismatchError(
                        f"LBFGS.step: parameter {index} is on {p.device} but its state "
                        f"{key!r} is on {t.device}; move the optimizer state with "
                        "load_state_dict after moving the model")

    # -- state dicts --------------------------------------------------------------------
    def _check_loaded_state(self, index, p, state, group=None) -> None:
        if not isinstance(state, dict):
            raise ValueError(f"load_state_dict: the state of parameter {index} is a "
                             f"{type(state).__name__}, not a dict")
        expected = (sum(q.numel() for q in self._params),)
        vectors = [state.get("d"), state.get("prev_flat_grad")]
        vectors += list(state.get("old_dirs") or []) + list(state.get("old_stps") or [])
        for vector in vectors:
            if vector is None:
                continue
            got = vector.shape if isinstance(vector, Tensor) else type(vector).__name__
            if got != expected:
                raise ValueError(f"load_state_dict: an LBFGS state vector has shape {got}, "
                                 f"the parameters need flat vectors of shape {expected}")


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None) -> float:
    """Minimiser of the cubic through ``(x1, f1, g1)`` and ``(x2, f2, g2)`` (values and
    slopes), clipped to ``bounds`` (default: the interval between ``x1`` and ``x2``); the
    midpoint when the cubic has no real minimiser. (Nocedal & Wright, eq. 3.59.)"""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = math.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, lo), hi)
    return (lo + hi) / 2.0


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                  max_ls=25):
    """Line search for a step ``t`` meeting the strong Wolfe conditions
    ``f(x + t d) <= f + c1 t g.d`` and ``|g(x + t d).d| <= -c2 g.d``
    (Nocedal & Wright, algorithms 3.5 and 3.6: bracketing, then zoom).

    Returns ``(f_new, g_new, t, evaluations)``.
    """
    d_norm = max_abs(d)
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = dot(g_new, d)

    # bracketing phase: grow t until an interval surely holds a point that fits
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        t_next = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                                    bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new, gtd_new
        t = t_next
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = dot(g_new, d)
        ls_iter += 1
    if ls_iter == max_ls:  # reached the evaluation limit: bracket [0, t]
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom phase: shrink the bracket until a point fits or it gets too small
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                               bracket[1], bracket_f[1], bracket_gtd[1])
        # keep t away from the bracket ends when progress is slow
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = dot(g_new, d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new, gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new, gtd_new

    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals
