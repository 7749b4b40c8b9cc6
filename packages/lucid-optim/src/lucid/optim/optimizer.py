"""The :class:`Optimizer` base class: parameter groups, per-parameter state, the step loop
(validation first, then updates on raw backend arrays) and state dicts (PyTorch's layout).

A concrete optimizer gives its defaults and implements three methods:

* ``validate_group(group, step=False) -> None``: ``ValueError`` for an invalid
  hyper-parameter (NaN, negative learning rate, betas outside ``[0, 1)`` ...). It runs on
  the defaults and on every group at construction (and in ``add_param_group`` and
  ``load_state_dict``), and on every group at the start of each :meth:`step`
  (``step=True``), so ``group["lr"] = float("nan")`` is refused before anything changes.
  At a step the learning rate only has to be a number (:func:`check_lr`): schedulers may
  take it below zero (PyTorch's ``OneCycleLR`` does on its last step);
* ``init_state(p, group) -> dict``: the state of a parameter seen for the first time;
* ``update(p, grad, state, group) -> None``: one step for one parameter, computed on the
  backend's native arrays with ``k = raw_ops(p)`` (``grad`` is the gradient's native array,
  *not* negated: the update applies ``group["maximize"]``). New values are stored with
  :meth:`Optimizer.set_param` (``p.set_(array)``) and :func:`store`
  (``state[key].set_(array)``), which bump the version counters, so a backward through a
  graph that saved an old value refuses to run.

Where the backend offers a fused kernel for the update (``fused_kernel``, e.g.
``"sgd_update_"``; see ``lucid_backend_numpy/kernels/optim.py``), ``update`` calls it
instead of the composite formula: one call per parameter that, on NumPy, writes the
parameter and its state in place. Such a kernel only ever receives arrays this optimizer
owns (:meth:`Optimizer.owned_data`): the state arrays it made, and the parameter's array,
copied once when the optimizer first updates it (``lucid.tensor(ndarray)`` shares the
caller's ndarray, which an in-place update must never write).

Step counters and the other scalar state (``scalar_state``: ``step``, NAdam's
``mu_product``, ASGD's ``eta``/``mu``) are Python floats on the host, so a step reads no
value back from the device; :meth:`Optimizer.state_dict` turns them into 0-d tensors of the
default float dtype (PyTorch's layout) and :meth:`Optimizer.load_state_dict` back.

Everything else (groups, validation of gradients and state before the first update,
``no_grad``, forcing lazy backends with one ``eval`` call, state dicts) lives here.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import lucid
from lucid import Tensor
from lucid.autograd import raw_ops
from lucid.errors import BackendError, DeviceMismatchError, DTypeError, ShapeError
from lucid.lazy import eval_tensors, tensors_in
from lucid.optim.hyperparameters import (
    check_lr,
    check_non_negative,
    check_number,
    check_range,
    to_scalar_dtype,
)
from lucid.optim.state_copies import cast, scalar_tensor, snapshot

__all__ = ["Optimizer", "required", "store", "check_lr", "check_number",
           "check_non_negative", "check_range", "to_scalar_dtype"]


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
            Tensors shaped like the parameter, and Python floats for ``scalar_state``.
        fused: ``None`` (use the backend's fused kernel when it has one), ``False`` (always
            the composite formula) or ``True`` (require the fused kernel). Optimizers
            without a fused kernel ignore it.
    """

    #: state keys held as Python floats (0-d tensors of the default float dtype in
    #: state dicts, as PyTorch keeps them)
    scalar_state: tuple[str, ...] = ("step",)
    #: name of the optional backend kernel that performs one whole update, or None
    fused_kernel: str | None = None
    fused: bool | None = None
    #: state_dict() copies state tensors (the updates modify them in place)
    snapshot_state: bool = True

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        self._owned: dict[Tensor, Any] = {}
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable "
                            "of tensors or dicts, but got a tensor")
        if not any(v is required for v in self.defaults.values()):
            self.validate_group(self.defaults)
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_owned", {})  # pickled before the in-place updates

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
        self.validate_group(group)
        if self.fused:
            for p in params:
                self._require_fused(p)
        self.param_groups.append(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        return "\n".join(lines) + "\n)"

    # -- what subclasses implement ----------------------------------------------------
    def validate_group(self, group: dict[str, Any], step: bool = False) -> None:
        """Raise ``ValueError`` (naming the optimizer and the value) for an invalid
        hyper-parameter of ``group``. Called at construction (``step=False``) and at the
        start of every step (``step=True``)."""
        check_lr(type(self).__name__, group.get("lr", 0.0), step)

    def init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        """The state of parameter ``p`` before its first step."""
        return {}

    def update(self, p: Tensor, grad, state: dict[str, Any], group: dict[str, Any]) -> None:
        """One step for parameter ``p``; ``grad`` is the native array of its gradient."""
        raise NotImplementedError(f"{type(self).__name__} does not implement update()")

    # -- helpers for update() ------------------------------------------------------------
    def fused_kernel_for(self, k) -> Callable | None:
        """The backend's fused update kernel (``fused_kernel``) for the raw interpreter
        ``k``, or ``None`` when the composite formula must run."""
        if self.fused_kernel is None or self.fused is False:
            return None
        return k.backend.kernels.get(self.fused_kernel)

    def owned_data(self, p: Tensor, k):
        """``p``'s array, safe for a kernel that writes it in place: the array this
        optimizer stored in ``p`` at its last update, else (first update, or ``p.data``
        replaced from outside since) a copy of it. Pass the kernel's result to
        :meth:`set_param`."""
        data = p.data
        if not k.backend.same_array(self._owned.get(p), data):
            data = k.clone(data)
        return data

    def set_param(self, p: Tensor, array) -> None:
        """Store the updated ``array`` in ``p`` (``p.set_``: bumps its version) and
        remember it as the optimizer's own (see :meth:`owned_data`)."""
        array = _native(p, array)
        p.set_(array)
        self._owned[p] = array

    def to(self, device) -> Optimizer:
        """Move the state tensors to ``device`` (in place; returns ``self``), e.g. after
        ``lucid.backends.bind``; move the parameters with their module's ``to``."""
        from lucid.optim.state_device import move_state

        move_state(self, device)
        return self

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

        Every group's hyper-parameters, every gradient (a tensor of its parameter's shape,
        dtype and device) and every state tensor (device, shape, dtype) are checked before
        the first parameter changes: a bad one raises (``ValueError``, :class:`ShapeError`,
        :class:`DTypeError`, :class:`DeviceMismatchError`) and leaves every parameter and
        every state as it was.
        """
        loss = None
        if closure is not None:
            with lucid.enable_grad():
                loss = closure()
        work = self._prepare_step()
        with lucid.no_grad():
            for p, grad, state, group in work:
                self.update(p, grad, state, group)
        self._evaluate(work)
        return loss

    def _prepare_step(self) -> list[tuple[Tensor, Any, dict[str, Any], dict[str, Any]]]:
        """Validate everything, then create the missing states; ``[(p, grad array, state,
        group)]`` for every parameter with a gradient."""
        work = []
        index = -1
        fused = self.fused and self.fused_kernel is not None
        for group in self.param_groups:
            self.validate_group(group, step=True)
            for p in group["params"]:
                index += 1
                grad = p.grad
                if grad is None:
                    continue
                self._check_grad(index, p, grad)
                state = self.state.get(p)
                if state:
                    self._check_state(index, p, state)
                if fused:
                    self._require_fused(p)
                work.append((p, grad.data, state, group))
        for i, (p, grad, state, group) in enumerate(work):
            if not state:
                state = self.state[p] = self.init_state(p, group)
                work[i] = (p, grad, state, group)
        return work

    def _check_grad(self, index: int, p: Tensor, grad) -> None:
        where = f"{type(self).__name__}.step"
        if not isinstance(grad, Tensor):
            raise TypeError(f"{where}: the gradient of parameter {index} (shape {p.shape}) "
                            f"is a {type(grad).__name__}, not a Tensor")
        if grad.device != p.device:
            raise DeviceMismatchError(f"{where}: parameter {index} of shape {p.shape} is on "
                                      f"{p.device} but its gradient is on {grad.device}")
        if not p.dtype.is_floating_point:
            raise DTypeError(f"{where}: parameter {index} of shape {p.shape} has dtype "
                             f"{p.dtype.name}; only floating-point parameters can be "
                             "optimized")
        if grad.dtype != p.dtype:
            raise DTypeError(f"{where}: parameter {index} of shape {p.shape} has dtype "
                             f"{p.dtype.name} but its gradient has dtype {grad.dtype.name}")
        if grad.shape != p.shape:
            raise ShapeError(f"{where}: parameter {index} has shape {p.shape} but its "
                             f"gradient has shape {grad.shape}")

    def _check_state(self, index: int, p: Tensor, state: dict[str, Any]) -> None:
        where = f"{type(self).__name__}.step"
        for key, value in state.items():
            if key in self.scalar_state:
                if self.defaults.get("capturable"):  # kept as a 0-d tensor on the device
                    continue
                if not isinstance(value, (int, float)):  # a tensor set from outside
                    state[key] = check_number(type(self).__name__, f"state {key!r}", value)
                continue
            tensors = (value,) if isinstance(value, Tensor) else tensors_in(value)
            for t in tensors:
                if t.device != p.device:
                    raise DeviceMismatchError(
                        f"{where}: parameter {index} of shape {p.shape} is on {p.device} "
                        f"but its state {key!r} is on {t.device}; move the optimizer state "
                        "with optimizer.to(device) after moving the model")
                old, new = raw_ops(t).backend, raw_ops(p).backend
                if old is not new:
                    raise BackendError(
                        f"{where}: state {key!r} of parameter {index} was made by backend "
                        f"{old.name!r}, the parameter is now served by {new.name!r} (the device "
                        f"was rebound); move the state with optimizer.to({str(p.device)!r}), "
                        "or model and optimizer together with lucid.backends.rebind")
            if isinstance(value, Tensor):
                if value.shape != p.shape:
                    raise ShapeError(f"{where}: state {key!r} of parameter {index} has shape "
                                     f"{value.shape}, the parameter has shape {p.shape}")
                if value.dtype != p.dtype:
                    raise DTypeError(f"{where}: state {key!r} of parameter {index} (shape "
                                     f"{p.shape}) has dtype {value.dtype.name}, the "
                                     f"parameter has dtype {p.dtype.name}")

    def _require_fused(self, p: Tensor) -> None:
        backend = raw_ops(p).backend
        if backend.kernels.get(self.fused_kernel) is None:
            raise RuntimeError(f"{type(self).__name__}: fused=True, but backend "
                               f"{backend.name!r} (device {p.device}) has no fused kernel "
                               f"{self.fused_kernel!r}; use fused=None to fall back to the "
                               "composite update")

    @staticmethod
    def _evaluate(work) -> None:
        """Start computing the updated parameters and states on lazy backends: one
        ``backend.eval`` call per backend (nothing to do on eager ones)."""
        pending: dict[int, tuple[Any, list]] = {}
        for p, _, state, _ in work:
            backend = raw_ops(p).backend
            if not backend.lazy:
                continue
            arrays = pending.setdefault(id(backend), (backend, []))[1]
            arrays.append(p.data)
            arrays.extend(t.data for t in tensors_in(state))
        for backend, arrays in pending.values():
            backend.eval(*arrays)

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

        Parameters are numbered in group order. The inner state dicts are snapshots:
        copies of the state tensors (later steps update the optimizer's own in place),
        and the host scalars (``step`` ...) as 0-d tensors of the default float dtype on
        the parameter's device, as PyTorch stores them.
        """
        index = self._index()
        groups = []
        for group in self.param_groups:
            packed = {k: copy.copy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {}
        with lucid.no_grad():
            for p, s in self.state.items():
                if id(p) in index and s:
                    state[index[id(p)]] = {
                        key: (scalar_tensor(value, p) if key in self.scalar_state
                              else snapshot(value, self.snapshot_state))
                        for key, value in s.items()}
        return {"state": dict(sorted(state.items())), "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore groups' hyper-parameters and the state from :meth:`state_dict` output
        (or a PyTorch optimizer's state dict of the same optimizer).

        The number of groups, of parameters per group, every state tensor's shape and
        every restored hyper-parameter must be valid for this optimizer; otherwise a
        ``ValueError`` says what differs and nothing changes. Floating state tensors are
        copied to their parameter's device and dtype; the scalar state (``step`` ...)
        becomes Python floats. Hyper-parameters the state dict lacks keep their defaults.
        """
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise ValueError("load_state_dict: expected a dict with keys 'state' and "
                             f"'param_groups', got {_describe(state_dict)}")
        saved_groups = self._check_loaded_groups(state_dict["param_groups"])
        if not isinstance(state_dict["state"], dict):
            raise ValueError("load_state_dict: 'state' must be a dict of parameter index -> "
                             f"state, got {_describe(state_dict['state'])}")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"load_state_dict: the state dict has {len(saved_groups)} "
                             f"parameter groups, this optimizer has {len(self.param_groups)}")
        by_index: dict[int, Tensor] = {}
        group_of: dict[int, int] = {}
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            saved_params = list(saved.get("params", ()))
            if len(saved_params) != len(group["params"]):
                raise ValueError(f"load_state_dict: parameter group {i} of the state dict has "
                                 f"{len(saved_params)} parameters, this optimizer's group {i} "
                                 f"has {len(group['params'])}")
            for index, p in zip(saved_params, group["params"]):
                by_index[int(index)] = p
                group_of[int(index)] = i
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            restored = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            for key, default in self.defaults.items():
                restored.setdefault(key, default)
            restored["params"] = group["params"]
            self.validate_group(restored)
            new_groups.append(restored)
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
            self._check_loaded_state(index, p, saved_state, new_groups[group_of[index]])
            new_state[p] = self._cast_state(p, saved_state)
        self.state = new_state
        self.param_groups = new_groups

    def _check_loaded_groups(self, saved_groups) -> list[dict[str, Any]]:
        """The saved groups as a list of dicts with integer ``params``. A group that lacks
        some of this optimizer's hyper-parameters *and* carries others it does not take
        (beyond PyTorch's switches; schedulers add their own keys to complete groups) is
        a state dict of another optimizer, refused here."""
        name = type(self).__name__
        if not isinstance(saved_groups, (list, tuple)):
            raise ValueError(f"load_state_dict: 'param_groups' must be a list of dicts, got "
                             f"{_describe(saved_groups)}")
        for i, saved in enumerate(saved_groups):
            if not isinstance(saved, dict):
                raise ValueError(f"load_state_dict: parameter group {i} is "
                                 f"{_describe(saved)}, not a dict")
            params = saved.get("params", ())
            if not isinstance(params, (list, tuple)) or not all(
                    isinstance(j, (int, np.integer)) and not isinstance(j, bool)
                    for j in params):
                raise ValueError(f"load_state_dict: 'params' of parameter group {i} must be "
                                 f"a list of parameter indices, got {_describe(params)}")
            foreign = sorted(k for k in saved if k not in self.defaults
                             and k not in _GROUP_BOOKKEEPING)
            lacking = sorted(k for k in self.defaults if k not in saved)
            if foreign and lacking:
                raise ValueError(f"load_state_dict: parameter group {i} has hyper-parameters "
                                 f"{foreign} that {name} does not take and lacks {lacking} "
                                 "(a state dict of another optimizer?)")
        return list(saved_groups)

    def _check_loaded_state(self, index: int, p: Tensor, state: dict[str, Any],
                            group: dict[str, Any]) -> None:
        """Raise ``ValueError`` when a loaded state does not fit parameter ``p``: not a
        dict, a key this optimizer's update needs is missing, a wrong shape or size."""
        if not isinstance(state, dict):
            raise ValueError(f"load_state_dict: the state of parameter {index} is "
                             f"{_describe(state)}, not a dict")
        if state:  # an empty state is a parameter that has not been stepped yet
            needed = self.init_state(p, group)
            missing = [k for k in needed if k not in state]
            if missing:
                raise ValueError(f"load_state_dict: the state of parameter {index} lacks "
                                 f"{missing}; {type(self).__name__} keeps {list(needed)} "
                                 f"(the state dict has {sorted(map(str, state))})")
        for key, value in state.items():
            if key in self.scalar_state:
                size = value.numel() if isinstance(value, Tensor) else 1
                if size != 1 or not isinstance(value, (Tensor, int, float, np.number)):
                    raise ValueError(f"load_state_dict: state {key!r} of parameter {index} "
                                     f"must be a number or a one-element tensor, got "
                                     f"{_describe(value)}")
            elif isinstance(value, Tensor) and value.shape != p.shape:
                raise ValueError(f"load_state_dict: state {key!r} of parameter {index} has "
                                 f"shape {value.shape}, the parameter has shape {p.shape}")

    def _cast_state(self, p: Tensor, state: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for key, value in state.items():
            if key in self.scalar_state:
                out[key] = float(value.item() if isinstance(value, Tensor) else value)
            else:
                out[key] = cast(value, p)
        return out


# -- storing results, checking hyper-parameters -------------------------------------------
# Group keys that are no hyper-parameter: PyTorch's implementation switches, the initial lr
# that schedulers record, parameter names.
_GROUP_BOOKKEEPING = frozenset({"params", "param_names", "initial_lr", "foreach",
                                "capturable", "differentiable", "fused"})


def store(state: dict[str, Any], key: str, array, like: Tensor) -> None:
    """``state[key] = array`` for a native array: ``set_`` on the state tensor already
    there (same object; its version is bumped), else a new tensor on ``like``'s device."""
    array = _native(like, array)
    t = state.get(key)
    if t is None:
        state[key] = Tensor(array, device=like.device)
    else:
        t.set_(array)


def _native(like: Tensor, array):
    """``array`` as a native array of ``like``'s backend: arithmetic on 0-d NumPy arrays
    gives NumPy scalars, which become 0-d arrays again."""
    backend = raw_ops(like).backend
    if backend.is_native(array):
        return array
    return backend.from_numpy(np.asarray(array))


def evaluate(items) -> None:
    """Force lazy backends to compute updated tensors (a no-op on eager backends), with
    one ``backend.eval`` call per backend for all of them."""
    eval_tensors(items)


def _describe(value) -> str:
    return f"a {type(value).__name__}"
