"""The :class:`Optimizer` base class: parameter groups, per-parameter state, the step loop
and state dicts (PyTorch's layout).

A concrete optimizer gives its defaults and implements two methods:

* ``init_state(p, group) -> dict``: the state of a parameter seen for the first time;
* ``update(p, grad, state, group) -> None``: one step for one parameter. ``grad`` is
  already negated when ``group["maximize"]``; new values are assigned with
  ``p.data = new.data`` and ``state[key] = new`` (never in place on shared buffers).

Everything else (groups, ``maximize``, device checks, ``no_grad``, forcing lazy backends
with ``.eval()``, state dicts) lives here.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import lucid
from lucid import Tensor
from lucid.errors import DeviceMismatchError
from lucid.lazy import eval_tensors, tensors_in

__all__ = ["Optimizer", "required"]


class _Required:
    """Marker for a hyper-parameter without a default (``lr`` of SGD in old PyTorch)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class of every optimizer.

    Args:
        params: an iterable of tensors, or of dicts (parameter groups) each holding
            ``"params"`` and any hyper-parameters that differ from ``defaults``.
        defaults: the hyper-parameters of groups that do not set them.

    Attributes:
        param_groups: list of dicts, each with ``"params"`` (list of tensors) and every
            hyper-parameter.
        state: dict from parameter tensor to its state dict (filled on its first step).
    """

    #: state keys holding 0-d tensors rather than tensors shaped like the parameter
    scalar_state: tuple[str, ...] = ("step",)

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable "
                            "of tensors or dicts, but got a tensor")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # -- groups ---------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters (missing ones come
        from ``defaults``). A parameter may belong to one group only."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered "
                            "collections, but the ordering of tensors in sets changes "
                            "between runs; use a list instead")
        params = list(params) if params is not None else []
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize tensors, but parameter {i} of "
                                f"the group is a {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"can't optimize a non-leaf tensor (parameter {i} of the "
                                 "group has a grad_fn)")
        group["params"] = params
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            group.setdefault(name, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        ids = [id(p) for p in params]
        if len(set(ids)) != len(ids):
            raise ValueError("optimizer parameter group contains the same tensor more than "
                             "once")
        if seen & set(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        return "\n".join(lines) + "\n)"

    # -- what subclasses implement ----------------------------------------------------
    def init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        """The state of parameter ``p`` before its first step."""
        return {}

    def update(self, p: Tensor, grad: Tensor, state: dict[str, Any],
               group: dict[str, Any]) -> None:
        """One step for parameter ``p`` with gradient ``grad``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement update()")

    # -- the step loop ------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (``grad = None``), or fill it with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad = lucid.zeros_like(p.grad.detach())

    def step(self, closure: Callable[[], Any] | None = None):
        """One optimization step over every parameter that has a gradient.

        ``closure`` (optional) re-evaluates the model and returns the loss; it runs
        with grad enabled before the update, and its loss is returned.
        """
        loss = None
        if closure is not None:
            with lucid.enable_grad():
                loss = closure()
        with lucid.no_grad():
            work = []
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state.get(p)
                    if not state:
                        state = self.init_state(p, group)
                        self.state[p] = state
                    work.append((p, group, state))
            for p, _, state in work:  # every check before the first parameter changes
                self._check_devices(p, state)
            for p, group, state in work:
                grad = p.grad.detach()
                if group.get("maximize", False):
                    grad = -grad
                self.update(p, grad, state, group)
            evaluate([p for p, _, _ in work] + [s for _, _, s in work])
        return loss

    def _check_devices(self, p: Tensor, state: dict[str, Any]) -> None:
        where = f"{type(self).__name__}.step"
        if p.grad is not None and p.grad.device != p.device:
            raise DeviceMismatchError(f"{where}: a parameter of shape {p.shape} is on "
                                      f"{p.device} but its gradient is on {p.grad.device}")
        for key, value in state.items():
            for t in tensors_in(value):
                if t.device != p.device:
                    raise DeviceMismatchError(
                        f"{where}: a parameter of shape {p.shape} is on {p.device} but its "
                        f"state {key!r} is on {t.device}; move the optimizer state with "
                        "load_state_dict after moving the model")

    @staticmethod
    def _next_step(state: dict[str, Any]) -> float:
        """Advance ``state["step"]`` (a 0-d tensor, as in PyTorch) and return it as a float."""
        state["step"] = state["step"] + 1
        return float(state["step"].item())

    @staticmethod
    def _step_tensor(p: Tensor) -> Tensor:
        """A fresh step counter: a 0-d tensor of the default float dtype (PyTorch layout)."""
        return lucid.zeros((), dtype=lucid.dtypes.default_float, device=p.device)

    # -- state dicts ----------------------------------------------------------------------
    def _index(self) -> dict[int, int]:
        """``id(param) -> position`` over all groups, in order (the state-dict keys)."""
        out: dict[int, int] = {}
        for group in self.param_groups:
            for p in group["params"]:
                out[id(p)] = len(out)
        return out

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: state}, "param_groups": [{..., "params": [index]}]}``.

        Parameters are numbered in group order. The inner state dicts are copies whose
        tensors are the optimizer's current ones (later steps replace, never modify, them).
        """
        index = self._index()
        groups = []
        for group in self.param_groups:
            packed = {k: copy.copy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {}
        for p, s in self.state.items():
            if id(p) in index and s:
                state[index[id(p)]] = _copy_containers(s)
        return {"state": dict(sorted(state.items())), "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore groups' hyper-parameters and the state from :meth:`state_dict` output.

        The number of groups, of parameters per group, and every state tensor's shape must
        match this optimizer; otherwise a ``ValueError`` says what differs and nothing
        changes. Floating state tensors are moved to their parameter's device and dtype
        (0-d counters such as ``step`` keep their dtype).
        """
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise ValueError("load_state_dict: expected a dict with keys 'state' and "
                             f"'param_groups', got {_describe(state_dict)}")
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"load_state_dict: the state dict has {len(saved_groups)} "
                             f"parameter groups, this optimizer has {len(self.param_groups)}")
        by_index: dict[int, Tensor] = {}
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            saved_params = list(saved.get("params", ()))
            if len(saved_params) != len(group["params"]):
                raise ValueError(f"load_state_dict: parameter group {i} of the state dict has "
                                 f"{len(saved_params)} parameters, this optimizer's group {i} "
                                 f"has {len(group['params'])}")
            for index, p in zip(saved_params, group["params"]):
                by_index[int(index)] = p
        new_state: dict[Tensor, dict[str, Any]] = {}
        for key, saved_state in state_dict["state"].items():
            try:
                index = int(key)
            except (TypeError, ValueError):
                raise ValueError(f"load_state_dict: state key {key!r} is not a parameter "
                                 "index") from None
            if index not in by_index:
                raise ValueError(f"load_state_dict: the state dict has state for parameter "
                                 f"{index}, but its groups list only {sorted(by_index)}")
            p = by_index[index]
            self._check_loaded_state(index, p, saved_state)
            new_state[p] = self._cast_state(p, saved_state)
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            restored = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            restored["params"] = group["params"]
            new_groups.append(restored)
        self.state = new_state
        self.param_groups = new_groups

    def _check_loaded_state(self, index: int, p: Tensor, state: dict[str, Any]) -> None:
        """Raise ``ValueError`` when a loaded state does not fit parameter ``p``."""
        if not isinstance(state, dict):
            raise ValueError(f"load_state_dict: the state of parameter {index} is "
                             f"{_describe(state)}, not a dict")
        for key, value in state.items():
            if isinstance(value, Tensor) and key not in self.scalar_state \
                    and value.shape != p.shape:
                raise ValueError(f"load_state_dict: state {key!r} of parameter {index} has "
                                 f"shape {value.shape}, the parameter has shape {p.shape}")

    def _cast_state(self, p: Tensor, state: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for key, value in state.items():
            out[key] = _cast(value, p, keep_dtype=key in self.scalar_state)
        return out


def _cast(value, p: Tensor, keep_dtype: bool):
    if isinstance(value, Tensor):
        if value.is_floating_point() and not keep_dtype:
            return value.detach().to(p.device, p.dtype).clone()
        return value.detach().to(p.device).clone()
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, p, keep_dtype) for v in value)
    if isinstance(value, dict):
        return {k: _cast(v, p, keep_dtype) for k, v in value.items()}
    return copy.deepcopy(value)


def _copy_containers(value):
    """Copy dicts and lists, keep tensors (they are never modified in place)."""
    if isinstance(value, dict):
        return {k: _copy_containers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_containers(v) for v in value]
    return value


def evaluate(items) -> None:
    """Force lazy backends to compute updated tensors (a no-op on eager backends), with
    one ``backend.eval`` call per backend for all of them."""
    eval_tensors(items)



def _describe(value) -> str:
    return f"a {type(value).__name__}"
