"""Fused optimizer kernels against their formulas: every optional optimizer kernel the
backend under test has (``sgd_update_``, ``adam_update_``; see the NumPy backend's
``kernels/optim.py`` for the signatures and the convention) runs several steps on random
arrays, with and without momentum, Nesterov, dampening, weight decay (L2 and decoupled),
AMSGrad and ``maximize``, and a learning rate that changes between steps (a schedule), in
float64 where the backend computes it and in float32. Each result is compared with a
plain NumPy float64 reference of the same formula (written here: ``lucid.optim``, which
calls these kernels, depends on core, not the other way round).

The kernel convention is checked too: the returned tuple is what the caller stores (an
in-place backend returns the arrays it was given, another returns new ones), the gradient
is never modified, a ``None`` momentum buffer is a first step, and shapes and dtypes are
kept (0-d parameters included). A backend without a kernel is skipped: ``lucid.optim``
runs the composite formula there.

    LUCID_BACKEND=mlx python -m pytest --pyargs lucid.testing -k fused_optim
"""

import numpy as np
import pytest

import lucid
from lucid.errors import LucidError

STEPS = 5
TOLERANCES = {"float64": (1e-12, 1e-14), "float32": (2e-5, 2e-6)}


# -- the reference formulas, in float64 -------------------------------------------------------
def sgd_reference(x, grad, b, *, lr, momentum, dampening, weight_decay, nesterov, maximize):
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + weight_decay * x
    if momentum != 0:
        b = g.copy() if b is None else momentum * b + (1 - dampening) * g
        g = g + momentum * b if nesterov else b
    else:
        b = None
    return x - lr * g, b


def adam_reference(x, grad, m, v, v_max, *, step, lr, beta1, beta2, eps, weight_decay,
                   decoupled, amsgrad, maximize):
    g = -grad if maximize else grad
    if weight_decay != 0:
        if decoupled:
            x = x * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * x
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    if amsgrad:
        v_max = np.maximum(v_max, v)
    denom = np.sqrt(v_max if amsgrad else v) / np.sqrt(1 - beta2 ** step) + eps
    return x - lr / (1 - beta1 ** step) * m / denom, m, v, (v_max if amsgrad else None)


SGD = dict(lr=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
           maximize=False)
ADAM = dict(lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False,
            amsgrad=False, maximize=False)
CASES = [
    ("sgd_update_", "plain", {}),
    ("sgd_update_", "maximize", dict(maximize=True)),
    ("sgd_update_", "weight_decay-maximize", dict(weight_decay=0.1, maximize=True)),
    ("sgd_update_", "momentum", dict(momentum=0.9)),
    ("sgd_update_", "momentum-dampening-wd", dict(momentum=0.9, dampening=0.3,
                                                  weight_decay=0.05)),
    ("sgd_update_", "nesterov-wd", dict(momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("sgd_update_", "nesterov-maximize", dict(momentum=0.8, nesterov=True, maximize=True)),
    ("adam_update_", "plain", {}),
    ("adam_update_", "betas-eps", dict(beta1=0.8, beta2=0.99, eps=1e-6)),
    ("adam_update_", "amsgrad", dict(amsgrad=True)),
    ("adam_update_", "l2", dict(weight_decay=0.1)),
    ("adam_update_", "decoupled", dict(weight_decay=0.5, decoupled=True)),
    ("adam_update_", "maximize", dict(maximize=True)),
    ("adam_update_", "all", dict(weight_decay=0.1, amsgrad=True, maximize=True)),
    ("adam_update_", "decoupled-amsgrad-maximize", dict(weight_decay=0.1, decoupled=True,
                                                        amsgrad=True, maximize=True)),
]
SHAPES = [(17, 33), (5,), ()]


def _backend():
    return lucid.backends.for_device(lucid.device("cpu"))


def _kernel(name):
    backend = _backend()
    kernel = backend.kernels.get(name)
    if kernel is None:
        pytest.skip(f"backend {backend.name!r} has no fused kernel {name!r}; lucid.optim "
                    "runs the composite formula there")
    return backend, kernel


def _float64_supported() -> bool:
    try:
        lucid.zeros(1, dtype=lucid.float64, device="cpu").numpy()
    except LucidError:
        return False
    return True


def _run(name, kernel, backend, hyper, shape, dtype):
    """``STEPS`` kernel calls and the reference, from the same (``dtype``-rounded) values;
    the learning rate follows a schedule. Returns ``[(kernel arrays, reference arrays)]``
    after every step (the kernel's as float64 copies)."""
    rng = np.random.default_rng(0)

    def rounded(a):
        return np.asarray(a, dtype=dtype).astype(np.float64)

    def native(a):  # a copy: an in-place kernel must not write the reference's arrays
        return backend.from_numpy(np.array(a, dtype=dtype))

    x_ref = rounded(rng.standard_normal(shape))
    x = native(x_ref)
    if name == "sgd_update_":
        state, state_ref = [None], [None]
    else:
        zeros = np.zeros(shape)
        state = [native(zeros), native(zeros), native(zeros) if hyper["amsgrad"] else None]
        state_ref = [zeros, zeros, zeros if hyper["amsgrad"] else None]
    out = []
    for t in range(1, STEPS + 1):
        step_hyper = dict(hyper, lr=hyper["lr"] * (1.0 - 0.1 * t))
        if name == "adam_update_":
            step_hyper["step"] = float(t)
        grad_ref = rounded(rng.standard_normal(shape))
        grad = native(grad_ref)
        result = kernel(x, grad, *state, **step_hyper)
        reference = (sgd_reference if name == "sgd_update_" else adam_reference)(
            x_ref, grad_ref, *state_ref, **step_hyper)
        assert isinstance(result, tuple) and len(result) == len(reference), \
            f"{name}: returns {type(result).__name__} of {len(result)}, not a tuple of " \
            f"{len(reference)}"
        np.testing.assert_array_equal(np.asarray(backend.to_numpy(grad), dtype=np.float64),
                                      grad_ref, err_msg=f"{name} wrote into the gradient")
        for got, want in zip(result, reference):
            assert (got is None) == (want is None), f"{name}: None where the formula has " \
                                                    "an array, or the other way round"
            if got is not None:
                assert tuple(got.shape) == shape, f"{name}: shape {tuple(got.shape)}"
                assert backend.dtype_of(got) == getattr(lucid, np.dtype(dtype).name), \
                    f"{name}: dtype {backend.dtype_of(got)}"
        x, *state = result  # the caller stores what is returned
        x_ref, *state_ref = reference
        # copies: an in-place kernel writes these very arrays at the next step
        out.append(([None if r is None else np.array(backend.to_numpy(r), dtype=np.float64)
                     for r in result], reference))
    return out


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)) or "0d")
@pytest.mark.parametrize("name,label,options", CASES,
                         ids=[f"{n}-{label}" for n, label, _ in CASES])
def test_fused_optimizer_kernel_matches_its_formula(name, label, options, shape, dtype):
    backend, kernel = _kernel(name)
    if dtype == "float64" and not _float64_supported():
        pytest.skip(f"backend {backend.name!r} has no float64 on this device")
    hyper = dict(SGD if name == "sgd_update_" else ADAM, **options)
    rtol, atol = TOLERANCES[dtype]
    for step, (result, reference) in enumerate(_run(name, kernel, backend, hyper, shape,
                                                    np.dtype(dtype)), start=1):
        for i, (got, want) in enumerate(zip(result, reference)):
            if got is not None:
                np.testing.assert_allclose(
                    got, want, rtol=rtol, atol=atol,
                    err_msg=f"{name} {label} {dtype}: output {i} after step {step}")
