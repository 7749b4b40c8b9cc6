"""The step loop on raw arrays: validation before any change (gradients, state, and
hyper-parameters, NaN included), fused kernels against the composite formulas on the
backend under test, the in-place NumPy kernels' safety (read-only, non-contiguous and
aliased arrays, arrays the caller passed in), version counters, and no host reads."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lucid
import lucid.optim as lo
from lucid.autograd import raw_ops
from lucid.errors import DTypeError, ShapeError
from lucid.optim._adam_family import adam_update
from lucid.optim.sgd import sgd_update

ALL = [(lo.SGD, dict(lr=0.1, momentum=0.9)), (lo.Adam, dict(lr=0.01)),
       (lo.AdamW, dict(lr=0.01)), (lo.NAdam, dict(lr=0.01)), (lo.RAdam, dict(lr=0.01)),
       (lo.Adamax, dict(lr=0.01)), (lo.Adagrad, dict(lr=0.1)), (lo.Adadelta, dict()),
       (lo.RMSprop, dict(lr=0.01, momentum=0.5, centered=True)), (lo.Rprop, dict()),
       (lo.ASGD, dict(lr=0.05, t0=2))]
IDS = [cls.__name__ for cls, _ in ALL]
SHAPES = [(3, 4), (4,), (4, 2), (2,)]


def _backend():
    return lucid.backends.for_device(lucid.device("cpu"))


def _float64_ok() -> bool:
    try:
        lucid.zeros(1, dtype=lucid.float64).numpy()
    except lucid.errors.LucidError:
        return False
    return True


def _params(dtype=lucid.float64, seed=0):
    rng = np.random.default_rng(seed)
    return [lucid.tensor(rng.standard_normal(s), dtype=dtype, requires_grad=True)
            for s in SHAPES]


def _set_grads(params, seed):
    rng = np.random.default_rng(seed)
    for p in params:
        p.grad = lucid.tensor(rng.standard_normal(p.shape), dtype=p.dtype)


def _snapshot(opt, params):
    values = [p.numpy().copy() for p in params]
    state = {i: {k: (v.numpy().copy() if isinstance(v, lucid.Tensor) else v)
                 for k, v in opt.state[p].items()}
             for i, p in enumerate(params) if p in opt.state}
    return values, state


def _assert_same(before, after):
    for a, b in zip(before[0], after[0]):
        np.testing.assert_array_equal(a, b)
    assert before[1].keys() == after[1].keys()
    for i in before[1]:
        assert before[1][i].keys() == after[1][i].keys()
        for key in before[1][i]:
            np.testing.assert_array_equal(before[1][i][key], after[1][i][key])


# -- gradients and state are validated before anything changes ----------------------------
BAD_GRADS = {
    "shape": (lambda p: lucid.zeros(5, dtype=p.dtype), ShapeError,
              r"parameter 2 has shape \(4, 2\) but its gradient has shape \(5,\)"),
    "dtype": (lambda p: lucid.zeros(p.shape, dtype=lucid.float32), DTypeError,
              r"parameter 2 of shape \(4, 2\) has dtype float64 but its gradient has dtype "
              "float32"),
    "not-a-tensor": (lambda p: np.zeros(p.shape), TypeError,
                     r"the gradient of parameter 2 \(shape \(4, 2\)\) is a ndarray"),
}


@pytest.mark.parametrize("bad", list(BAD_GRADS))
@pytest.mark.parametrize("cls,kwargs", ALL, ids=IDS)
def test_a_bad_gradient_raises_before_any_parameter_changes(cls, kwargs, bad):
    make, error, message = BAD_GRADS[bad]
    params = _params()
    opt = cls(params, **kwargs)
    _set_grads(params, 1)
    opt.step()  # some state exists, and must not change either
    _set_grads(params, 2)
    params[2]._grad = make(params[2])  # as a buggy hook would (the grad setter refuses)
    before = _snapshot(opt, params)
    versions = [p._version for p in params]
    with pytest.raises(error, match=f"{cls.__name__}.step: " + message):
        opt.step()
    _assert_same(before, _snapshot(opt, params))
    assert [p._version for p in params] == versions


@pytest.mark.parametrize("cls,kwargs", ALL, ids=IDS)
def test_a_bad_gradient_on_the_first_step_creates_no_state(cls, kwargs):
    params = _params()
    opt = cls(params, **kwargs)
    initial = {p: dict(s) for p, s in opt.state.items()}  # Adagrad fills it at once
    _set_grads(params, 1)
    params[2]._grad = lucid.zeros(5, dtype=lucid.float64)
    before = [p.numpy().copy() for p in params]
    with pytest.raises(ShapeError):
        opt.step()
    assert opt.state.keys() == initial.keys()
    for a, p in zip(before, params):
        np.testing.assert_array_equal(a, p.numpy())


def test_integer_parameters_are_refused():
    p = lucid.tensor([1, 2, 3])
    opt = lo.SGD([p], lr=0.1)
    p._grad = lucid.tensor([1, 1, 1])
    with pytest.raises(DTypeError, match=r"SGD.step: parameter 0 of shape \(3,\) has dtype "
                       "int64; only floating-point"):
        opt.step()
    assert p.numpy().tolist() == [1, 2, 3]


@pytest.mark.parametrize("key,value,error,message", [
    ("exp_avg", lambda p: lucid.zeros(7, dtype=lucid.float64), ShapeError,
     r"state 'exp_avg' of parameter 3 has shape \(7,\), the parameter has shape \(2,\)"),
    ("exp_avg_sq", lambda p: lucid.zeros(p.shape, dtype=lucid.float32), DTypeError,
     r"state 'exp_avg_sq' of parameter 3 \(shape \(2,\)\) has dtype float32"),
])
def test_a_bad_state_raises_before_any_parameter_changes(key, value, error, message):
    params = _params()
    opt = lo.Adam(params, lr=0.1)
    _set_grads(params, 1)
    opt.step()
    opt.state[params[3]][key] = value(params[3])
    _set_grads(params, 2)
    before = [p.numpy().copy() for p in params]
    with pytest.raises(error, match=message):
        opt.step()
    for a, p in zip(before, params):
        np.testing.assert_array_equal(a, p.numpy())
    assert opt.state[params[0]]["step"] == 1.0


# -- hyper-parameters -----------------------------------------------------------------------
NAN = float("nan")
BAD_HYPER = [
    (lo.SGD, dict(lr=NAN), "SGD: invalid learning rate nan"),
    (lo.SGD, dict(lr=0.1, momentum=NAN), "SGD: invalid momentum value nan"),
    (lo.SGD, dict(lr=0.1, momentum=-0.5), "SGD: invalid momentum value -0.5"),
    (lo.SGD, dict(lr=0.1, dampening=NAN), "SGD: invalid dampening value nan"),
    (lo.SGD, dict(lr=0.1, weight_decay=NAN), "SGD: invalid weight_decay value nan"),
    (lo.Adam, dict(lr=NAN), "Adam: invalid learning rate nan"),
    (lo.Adam, dict(betas=(NAN, 0.9)), "Adam: invalid beta parameter nan"),
    (lo.Adam, dict(betas=(0.9, 1.0)), r"Adam: invalid beta parameters \(0.9, 1.0\)"),
    (lo.Adam, dict(betas=(-0.1, 0.9)), "Adam: invalid beta parameters"),
    (lo.Adam, dict(eps=-1e-8), "Adam: invalid epsilon value -1e-08"),
    (lo.Adam, dict(eps=NAN), "Adam: invalid epsilon value nan"),
    (lo.AdamW, dict(weight_decay=NAN), "AdamW: invalid weight_decay value nan"),
    (lo.NAdam, dict(momentum_decay=NAN), "NAdam: invalid momentum_decay value nan"),
    (lo.RAdam, dict(lr=-1.0), "RAdam: invalid learning rate -1.0"),
    (lo.Adamax, dict(betas=(0.9, NAN)), "Adamax: invalid beta parameter nan"),
    (lo.Adagrad, dict(lr_decay=NAN), "Adagrad: invalid lr_decay value nan"),
    (lo.Adadelta, dict(rho=1.5), r"Adadelta: invalid rho value 1.5; must be in \[0.0, 1.0\]"),
    (lo.Adadelta, dict(rho=NAN), "Adadelta: invalid rho value nan"),
    (lo.RMSprop, dict(alpha=NAN), "RMSprop: invalid alpha value nan"),
    (lo.Rprop, dict(etas=(NAN, 1.2)), "Rprop: invalid eta value nan"),
    (lo.Rprop, dict(step_sizes=(1e-6, NAN)), "Rprop: invalid step size nan"),
    (lo.ASGD, dict(lambd=NAN), "ASGD: invalid lambd value nan"),
    (lo.LBFGS, dict(lr=NAN), "LBFGS: invalid learning rate nan"),
    (lo.LBFGS, dict(tolerance_grad=NAN), "LBFGS: invalid tolerance_grad value nan"),
]


@pytest.mark.parametrize("cls,kwargs,message", BAD_HYPER,
                         ids=[f"{c.__name__}-{next(iter(k))}" for c, k, _ in BAD_HYPER])
def test_invalid_hyper_parameters_are_refused_at_construction(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls(_params(), **kwargs)


@pytest.mark.parametrize("cls,kwargs,message", BAD_HYPER,
                         ids=[f"{c.__name__}-{next(iter(k))}" for c, k, _ in BAD_HYPER])
def test_invalid_hyper_parameters_in_a_group_are_refused(cls, kwargs, message):
    params = _params()
    if cls is lo.LBFGS:
        pytest.skip("LBFGS has a single group")
    opt = cls(params[:2])
    with pytest.raises(ValueError, match=message):
        opt.add_param_group({"params": params[2:], **kwargs})
    assert len(opt.param_groups) == 1


@pytest.mark.parametrize("cls,kwargs,message",
                         [c for c in BAD_HYPER if c[0] is not lo.LBFGS
                          and "learning rate -" not in c[2]],
                         ids=[f"{c.__name__}-{next(iter(k))}" for c, k, m in BAD_HYPER
                              if c is not lo.LBFGS and "learning rate -" not in m])
def test_invalid_hyper_parameters_set_later_are_refused_at_step(cls, kwargs, message):
    params = _params()
    opt = cls([{"params": params[:2]}, {"params": params[2:]}])
    _set_grads(params, 1)
    opt.step()
    opt.param_groups[1].update(kwargs)  # e.g. group["lr"] = float("nan")
    _set_grads(params, 2)
    before = _snapshot(opt, params)
    with pytest.raises(ValueError, match=message):
        opt.step()
    _assert_same(before, _snapshot(opt, params))  # group 0 came first and is unchanged too


def test_lbfgs_nan_learning_rate_set_later_is_refused_at_step():
    x = lucid.tensor([1.0, 2.0], dtype=lucid.float64, requires_grad=True)
    opt = lo.LBFGS([x])
    opt.param_groups[0]["lr"] = NAN

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    with pytest.raises(ValueError, match="LBFGS: invalid learning rate nan"):
        opt.step(closure)
    assert x.numpy().tolist() == [1.0, 2.0]


def test_a_negative_learning_rate_from_a_schedule_is_stepped_with():
    # PyTorch's OneCycleLR extrapolates below zero on its last step, and PyTorch steps
    p = lucid.tensor([1.0], dtype=lucid.float64, requires_grad=True)
    opt = lo.SGD([p], lr=0.1)
    opt.param_groups[0]["lr"] = -0.5
    p.grad = lucid.tensor([1.0], dtype=lucid.float64)
    opt.step()
    assert p.numpy().tolist() == [1.5]
    with pytest.raises(ValueError, match="learning rate -0.5"):
        lo.SGD([p], lr=-0.5)


def test_non_numbers_are_type_errors():
    with pytest.raises(TypeError, match="SGD: learning rate must be a real number, got 'x'"):
        lo.SGD(_params(), lr="x")


def test_load_state_dict_refuses_invalid_hyper_parameters_and_changes_nothing():
    params = _params()
    opt = lo.Adam(params, lr=0.1)
    _set_grads(params, 1)
    opt.step()
    sd = opt.state_dict()
    sd["param_groups"][0]["eps"] = NAN
    other = lo.Adam(_params(), lr=0.5)
    with pytest.raises(ValueError, match="Adam: invalid epsilon value nan"):
        other.load_state_dict(sd)
    assert other.param_groups[0]["lr"] == 0.5 and other.state == {}


def test_schedulers_keep_working():
    params = _params()
    opt = lo.SGD(params, lr=0.1, momentum=0.9)
    sched = lo.lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=10,
                                       anneal_strategy="linear")
    for step in range(10):
        _set_grads(params, step)
        opt.step()
        sched.step()
    assert opt.param_groups[0]["lr"] < 0.5


# -- the host keeps the step count: no device reads during a step ---------------------------
@pytest.mark.parametrize("cls,kwargs", ALL, ids=IDS)
def test_a_step_reads_nothing_back_from_the_device(cls, kwargs, monkeypatch):
    params = _params()
    opt = cls(params, **kwargs)
    _set_grads(params, 1)
    opt.step()

    def refuse(self, *args, **kwargs):
        raise AssertionError("a step read a value back from the device")

    monkeypatch.setattr(lucid.Tensor, "item", refuse)
    monkeypatch.setattr(lucid.Tensor, "numpy", refuse)
    for seed in range(2, 5):
        _set_grads(params, seed)
        opt.step()


def test_lbfgs_reads_do_not_grow_with_the_history(monkeypatch):
    def run(history_size):
        rng = np.random.default_rng(0)
        a = lucid.tensor(rng.standard_normal((8, 8)) + 4 * np.eye(8), dtype=lucid.float64)
        x = lucid.zeros(8, dtype=lucid.float64, requires_grad=True)
        opt = lo.LBFGS([x], max_iter=12, history_size=history_size, tolerance_grad=0.0,
                       tolerance_change=0.0)

        def closure():
            opt.zero_grad()
            r = a @ x - 1.0
            loss = (r * r).sum() + (x * x * x * x).sum()
            loss.backward()
            return loss

        reads = []
        original = lucid.Tensor.item
        monkeypatch.setattr(lucid.Tensor, "item",
                            lambda self: reads.append(1) or original(self))
        opt.step(closure)
        monkeypatch.setattr(lucid.Tensor, "item", original)
        return len(reads), opt.state[x]["n_iter"]

    few, iters_few = run(2)
    many, iters_many = run(12)
    assert iters_few == iters_many == 12
    assert many == few  # the two-loop recursion reads nothing back


# -- fused kernels against the composite formulas --------------------------------------------
FUSED = [
    (lo.SGD, dict(lr=0.1)), (lo.SGD, dict(lr=0.1, momentum=0.9)),
    (lo.SGD, dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.05)),
    (lo.SGD, dict(lr=0.1, momentum=0.8, nesterov=True, weight_decay=0.1)),
    (lo.SGD, dict(lr=0.1, momentum=0.8, nesterov=True, maximize=True)),
    (lo.SGD, dict(lr=0.1, weight_decay=0.1, maximize=True)),
    (lo.SGD, dict(lr=0.1, maximize=True)),
    (lo.Adam, dict(lr=0.01)), (lo.Adam, dict(lr=0.01, amsgrad=True)),
    (lo.Adam, dict(lr=0.01, weight_decay=0.1)), (lo.Adam, dict(lr=0.01, maximize=True)),
    (lo.Adam, dict(lr=0.01, weight_decay=0.1, maximize=True, amsgrad=True)),
    (lo.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
    (lo.AdamW, dict(lr=0.01, weight_decay=0.5)),
    (lo.AdamW, dict(lr=0.01, amsgrad=True, maximize=True)),
]
FUSED_IDS = [f"{c.__name__}-" + "-".join(f"{k}={v}" for k, v in kw.items()) for c, kw in FUSED]


def _trajectory(cls, kwargs, dtype, fused, steps=8):
    params = _params(dtype)
    opt = cls(params, fused=fused, **kwargs)
    for step in range(steps):
        _set_grads(params, 10 + step)
        opt.step()
    return [p.numpy() for p in params], opt.state_dict()["state"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("cls,kwargs", FUSED, ids=FUSED_IDS)
def test_fused_kernel_matches_the_composite(cls, kwargs, dtype):
    if _backend().kernels.get(cls.fused_kernel) is None:
        pytest.skip(f"backend {_backend().name!r} has no fused kernel {cls.fused_kernel!r}")
    if dtype == "float64" and not _float64_ok():
        pytest.skip("no float64 on this device")
    dtype = getattr(lucid, dtype)
    fused_params, fused_state = _trajectory(cls, kwargs, dtype, None)
    plain_params, plain_state = _trajectory(cls, kwargs, dtype, False)
    rtol, atol = (1e-13, 1e-15) if dtype == lucid.float64 else (1e-5, 1e-6)
    for a, b in zip(fused_params, plain_params):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    assert fused_state.keys() == plain_state.keys()
    for i in fused_state:
        assert fused_state[i].keys() == plain_state[i].keys()
        for key in fused_state[i]:
            np.testing.assert_allclose(fused_state[i][key].numpy(), plain_state[i][key].numpy(),
                                       rtol=rtol, atol=atol, err_msg=key)


def test_numpy_fused_kernels_equal_the_composite_bit_for_bit():
    """On NumPy the kernels perform the formula's operations in the same order."""
    if _backend().name != "numpy":
        pytest.skip("NumPy kernels")
    for cls, kwargs in FUSED:
        for dtype in (lucid.float64, lucid.float32):
            a, _ = _trajectory(cls, kwargs, dtype, None)
            b, _ = _trajectory(cls, kwargs, dtype, False)
            for x, y in zip(a, b):
                np.testing.assert_array_equal(x, y, err_msg=f"{cls.__name__} {kwargs}")


def test_fused_true_requires_the_kernel_and_false_never_uses_it(monkeypatch):
    backend = _backend()
    params = _params()
    if backend.kernels.get("sgd_update_") is None:
        with pytest.raises(RuntimeError, match="has no fused kernel 'sgd_update_'"):
            lo.SGD(params, lr=0.1, fused=True)
        return
    calls = []
    kernel = backend.kernels["sgd_update_"]
    monkeypatch.setitem(backend.kernels, "sgd_update_",
                        lambda *a, **k: calls.append(1) or kernel(*a, **k))
    for fused, expected in ((None, 4), (True, 4), (False, 0)):
        calls.clear()
        opt = lo.SGD(params, lr=0.1, fused=fused)
        _set_grads(params, 1)
        opt.step()
        assert len(calls) == expected
    monkeypatch.delitem(backend.kernels, "sgd_update_")
    with pytest.raises(RuntimeError, match="fused=True, but backend"):
        lo.SGD(params, lr=0.1, fused=True)
    opt = lo.SGD(params, lr=0.1)  # None: the composite, silently
    opt.step()


# -- the kernels called directly, on raw arrays -------------------------------------------------
def _kernel_cases():
    sgd = [dict(lr=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
                maximize=False),
           dict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.1, nesterov=True,
                maximize=True),
           dict(lr=0.05, momentum=0.9, dampening=0.25, weight_decay=0.0, nesterov=False,
                maximize=False)]
    adam = [dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False,
                 amsgrad=False, maximize=False),
            dict(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1, decoupled=True,
                 amsgrad=True, maximize=True),
            dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.1,
                 decoupled=False, amsgrad=True, maximize=False)]
    return [("sgd_update_", h) for h in sgd] + [("adam_update_", h) for h in adam]


def _run_kernel(name, fn, k, arrays, hyper, steps=4):
    """``steps`` calls of a kernel (or its composite), fresh gradients each time."""
    rng = np.random.default_rng(3)
    backend = k.backend
    x, state = arrays
    for t in range(1, steps + 1):
        grad = backend.from_numpy(rng.standard_normal(np.shape(x)))
        if name == "sgd_update_":
            x, b = fn(x, grad, state[0], **hyper)
            state = (b,)
        else:
            x, m, v, v_max = fn(x, grad, *state, step=float(t), **hyper)
            state = (m, v, v_max)
    return x, state


@pytest.mark.parametrize("name,hyper", _kernel_cases(),
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(_kernel_cases())])
def test_kernels_called_directly_match_the_composite_functions(name, hyper):
    backend = _backend()
    kernel = backend.kernels.get(name)
    if kernel is None:
        pytest.skip(f"backend {backend.name!r} has no fused kernel {name!r}")
    if not _float64_ok():
        pytest.skip("no float64 on this device")
    k = raw_ops(backend)
    composite = {"sgd_update_": sgd_update, "adam_update_": adam_update}[name]
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((5, 3))

    def start():
        x = backend.from_numpy(x0.copy())
        if name == "sgd_update_":
            return x, (None,)
        zeros = backend.from_numpy(np.zeros_like(x0))
        return x, (zeros, backend.from_numpy(np.zeros_like(x0)),
                   backend.from_numpy(np.zeros_like(x0)) if hyper["amsgrad"] else None)

    fx, fstate = _run_kernel(name, kernel, k, start(), hyper)
    cx, cstate = _run_kernel(name, lambda *a, **kw: composite(k, *a, **kw), k, start(), hyper)
    np.testing.assert_allclose(backend.to_numpy(fx), backend.to_numpy(cx), rtol=1e-13)
    for f, c in zip(fstate, cstate):
        assert (f is None) == (c is None)
        if f is not None:
            np.testing.assert_allclose(backend.to_numpy(f), backend.to_numpy(c), rtol=1e-13)


# -- NumPy: in place, and only into arrays that may be written ----------------------------------
def _numpy_kernels():
    backend = lucid.backends.get("numpy")
    return backend.kernels["sgd_update_"], backend.kernels["adam_update_"]


SGD_HYPER = dict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.1, nesterov=False,
                 maximize=False)
ADAM_HYPER = dict(step=1.0, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                  decoupled=False, amsgrad=False, maximize=False)


def test_numpy_kernels_write_in_place_and_never_into_grad():
    sgd, adam = _numpy_kernels()
    x, b, g = np.ones((3, 4)), np.full((3, 4), 0.5), np.full((3, 4), 2.0)
    x_out, b_out = sgd(x, g, b, **SGD_HYPER)
    assert x_out is x and b_out is b
    np.testing.assert_array_equal(g, 2.0)
    np.testing.assert_allclose(b, 0.9 * 0.5 + (2.0 + 0.1))
    x, m, v = np.ones(4), np.zeros(4), np.zeros(4)
    out = adam(x, g[0], m, v, None, **ADAM_HYPER)
    assert out[0] is x and out[1] is m and out[2] is v and out[3] is None
    np.testing.assert_allclose(x, 1.0 - 0.1, rtol=1e-7)


def test_numpy_kernels_copy_read_only_and_non_contiguous_arrays():
    sgd, adam = _numpy_kernels()
    base = np.arange(24.0).reshape(4, 6)
    view = base[:, ::2]  # writable but not contiguous: a write would land in base
    x_out, b_out = sgd(view, np.ones((4, 3)), None, **SGD_HYPER)
    assert x_out is not view and x_out.flags.c_contiguous
    np.testing.assert_array_equal(base, np.arange(24.0).reshape(4, 6))
    np.testing.assert_allclose(x_out, view - 0.1 * (1.0 + 0.1 * view))
    frozen = np.ones(3)
    frozen.flags.writeable = False
    m = np.zeros(3)
    m.flags.writeable = False
    out = adam(frozen, np.ones(3), m, np.zeros(3), None, **ADAM_HYPER)
    assert out[0] is not frozen and out[1] is not m
    np.testing.assert_array_equal(frozen, 1.0)
    np.testing.assert_array_equal(m, 0.0)
    np.testing.assert_allclose(out[0], 0.9, rtol=1e-7)


def test_numpy_kernels_read_an_aliased_gradient_before_writing():
    sgd, adam = _numpy_kernels()
    x = np.array([1.0, 2.0])
    x_out, _ = sgd(x, x, None, **SGD_HYPER)  # grad is the parameter's own array
    np.testing.assert_allclose(x_out, [1.0 - 0.1 * 1.1, 2.0 - 0.1 * 2.2])
    x, m = np.array([1.0, -1.0]), np.array([0.5, 0.5])
    out = adam(x, m, m, np.zeros(2), None, **ADAM_HYPER)  # grad overlaps exp_avg
    np.testing.assert_allclose(out[1], 0.9 * 0.5 + 0.1 * 0.5)


@pytest.mark.parametrize("hyper", [SGD_HYPER, dict(SGD_HYPER, nesterov=True, maximize=True),
                                   dict(SGD_HYPER, momentum=0.0)])
def test_numpy_kernels_handle_0d_arrays(hyper):
    sgd, adam = _numpy_kernels()
    x_out, b_out = sgd(np.array(1.0), np.array(2.0), None, **hyper)
    x_out, b_out = sgd(x_out, np.array(2.0), b_out, **hyper)
    assert isinstance(x_out, np.ndarray) and x_out.shape == ()
    out = adam(np.array(1.0), np.array(2.0), np.array(0.0), np.array(0.0), None, **ADAM_HYPER)
    assert all(isinstance(o, np.ndarray) and o.shape == () for o in out[:3])


def test_0d_parameters_are_optimized():
    for cls, kwargs in ALL:
        p = lucid.tensor(1.0, dtype=lucid.float64, requires_grad=True)
        opt = cls([p], **kwargs)
        for _ in range(3):
            p.grad = lucid.tensor(0.5, dtype=lucid.float64)
            opt.step()
        assert p.shape == () and math.isfinite(p.item()) and p.item() != 1.0, cls


def test_the_callers_array_is_never_written():
    """``lucid.tensor(ndarray)`` shares the ndarray: the first in-place update copies it."""
    init = np.array([1.0, 2.0, 3.0])
    p = lucid.tensor(init, requires_grad=True)
    opt = lo.SGD([p], lr=0.1, momentum=0.9)
    seen = []
    for _ in range(3):
        p.grad = lucid.ones(3, dtype=lucid.float64)
        opt.step()
        seen.append(p.data)
    np.testing.assert_array_equal(init, [1.0, 2.0, 3.0])
    if _backend().name != "numpy":
        return
    assert seen[0] is seen[1] is seen[2]  # in place after the first step
    outside = np.array([5.0, 5.0, 5.0])
    p.data = outside  # replaced from outside: copied again before the next in-place update
    p.grad = lucid.ones(3, dtype=lucid.float64)
    opt.step()
    np.testing.assert_array_equal(outside, [5.0, 5.0, 5.0])
    assert p.data is not outside


@pytest.mark.parametrize("cls,kwargs", ALL, ids=IDS)
def test_every_step_bumps_the_parameters_version(cls, kwargs):
    params = _params()
    opt = cls(params, **kwargs)
    versions = [p._version for p in params]
    _set_grads(params, 1)
    opt.step()
    assert all(p._version > v for p, v in zip(params, versions))


def test_backward_through_a_graph_that_saved_a_stepped_parameter_raises():
    w = lucid.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()  # saves w
    opt = lo.SGD([w], lr=0.1, momentum=0.9)
    w.grad = lucid.tensor([1.0, 1.0])
    opt.step()
    with pytest.raises(RuntimeError):
        loss.backward()


def test_state_dict_is_a_snapshot_of_in_place_state():
    params = _params()
    opt = lo.SGD(params, lr=0.1, momentum=0.9)
    _set_grads(params, 1)
    opt.step()
    sd = opt.state_dict()
    before = sd["state"][0]["momentum_buffer"].numpy().copy()
    _set_grads(params, 2)
    opt.step()
    np.testing.assert_array_equal(sd["state"][0]["momentum_buffer"].numpy(), before)


def test_scalar_state_is_a_host_float_and_a_0d_tensor_in_state_dicts():
    params = _params()
    opt = lo.NAdam(params)
    _set_grads(params, 1)
    opt.step()
    state = opt.state[params[0]]
    assert isinstance(state["step"], float) and isinstance(state["mu_product"], float)
    sd = opt.state_dict()["state"][0]
    assert sd["step"].shape == () and sd["step"].dtype == lucid.float32
    assert float(sd["mu_product"]) == state["mu_product"]
    other = lo.NAdam(_params())
    other.load_state_dict(opt.state_dict())
    assert other.state[other.param_groups[0]["params"][0]]["step"] == 1.0
    with pytest.raises(ValueError, match="state 'step' of parameter 0 must be a number"):
        bad = opt.state_dict()
        bad["state"][0]["step"] = lucid.zeros(2)
        other.load_state_dict(bad)
