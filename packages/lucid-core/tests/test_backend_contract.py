"""The backend contract: coverage reports, declared kernel signatures, the query hooks
(called through pluggy), and a plugin that registers a new op with its kernels."""

import numpy as np
import pytest

import lucid
from lucid import backends
from lucid.backend import Backend
from lucid.hookspecs import hookimpl
from lucid.ops.primitives import REQUIRED
from lucid.ops.registry import OPS, Op, apply, register
from lucid.ops.signatures import SIGNATURES, declare, mismatches


class _Partial(Backend):
    name = "partial-test"


@pytest.fixture
def partial_backend():
    numpy_backend = backends.get("numpy")
    b = _Partial()
    b.kernels = {op: numpy_backend.kernels[op] for op in ("add", "mul", "exp", "log1p")}
    backends._backends[b.name] = b
    yield b
    backends._backends.pop(b.name, None)


def test_coverage_counts_required_and_optional(partial_backend):
    report = lucid.backends.coverage()["partial-test"]
    assert report["required"] == len(REQUIRED) == 43
    assert report["required_present"] == 3  # add, mul, exp
    assert "log" in report["missing"] and "add" not in report["missing"]
    assert len(report["missing"]) == 40
    assert report["overrides"] == ["log1p"]
    assert "sub" in report["composite"] and "log1p" not in report["composite"]
    assert report["unsupported"] == []


def test_numpy_and_mlx_keep_their_fused_kernels_as_overrides():
    for name in ("numpy", "mlx"):
        report = lucid.backends.coverage()[name]
        assert report["missing"] == []
        assert {"softmax", "conv", "layer_norm", "sub"} <= set(report["overrides"])


def test_signature_check_reports_each_kind_of_mismatch():
    def good(x, *, axis, keepdims):
        return x

    def lacks_keepdims(x, *, axis):
        return x

    def wants_more(x, *, axis, keepdims, scale):
        return x

    def takes_anything(x, **params):
        return x

    assert mismatches("sum", good) == []
    assert mismatches("sum", takes_anything) == []
    assert any("no keyword parameter 'keepdims'" in p for p in mismatches("sum", lacks_keepdims))
    assert any("requires 'scale'" in p for p in mismatches("sum", wants_more))
    assert any("array inputs" in p for p in mismatches("where", lambda c, x: x))
    assert str(SIGNATURES["sum"]) == (
        "sum(x, *, axis: tuple[int, ...] | None, keepdims: bool)")


def test_every_kernel_of_numpy_and_mlx_matches_its_declaration():
    for name in ("numpy", "mlx"):
        b = backends.get(name)
        problems = [p for op, k in b.kernels.items() if op in SIGNATURES
                    for p in mismatches(op, k)]
        assert problems == [], problems


def test_query_hooks_answer_per_backend():
    serving = backends.for_device(lucid.device("cpu"))
    caps = lucid.backends.capabilities("cpu")
    assert caps["lazy"] is serving.lazy and "float32" in caps["dtypes"]
    assert set(lucid.backends.memory_info("cpu")) == {"total", "in_use", "peak"}
    lucid.backends.synchronize("cpu")
    hook = backends._plugin_manager().hook
    numpy_caps = hook.lucid_device_capabilities(backend_name="numpy", device_type="cpu")
    assert numpy_caps["lazy"] is False and "float64" in numpy_caps["dtypes"]
    mlx_caps = hook.lucid_device_capabilities(backend_name="mlx", device_type="gpu")
    assert mlx_caps["lazy"] is True and "float64" not in mlx_caps["dtypes"]
    mem = hook.lucid_memory_info(backend_name="numpy", device_type="cpu")
    assert mem["total"] > 0 and mem["peak"] > 0


# -- a plugin that adds an op ----------------------------------------------------------
class _Softsign(Op):
    """``y = x / (1 + |x|)``; ``dx = dy / (1 + |x|)^2``."""

    name = "softsign_plugin_test"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        d = k.add(k.abs(x), 1.0)
        return k.div(g, k.mul(d, d))


def _softsign_numpy(x):
    return x / (1 + np.abs(x))


class _OpPlugin:
    @hookimpl
    def lucid_kernel_table(self, backend_name):
        if backend_name == "numpy":
            return {"softsign_plugin_test": _softsign_numpy, "add": lambda x, y: x - y}
        if backend_name == "mlx":
            import mlx.core as mx

            return {"softsign_plugin_test": lambda x: x / (1 + mx.abs(x))}
        return None

    @hookimpl
    def lucid_device_capabilities(self, backend_name, device_type):
        return {"dtypes": ("float32",), "lazy": False, "asynchronous": False} if (
            backend_name in ("numpy", "mlx") and device_type == "cpu") else None


@pytest.fixture
def op_plugin():
    register(_Softsign)
    declare("softsign_plugin_test")
    plugin = _OpPlugin()
    backends.register(plugin, name="softsign-test-plugin")
    yield plugin
    backends._plugin_manager().unregister(plugin)
    OPS.pop("softsign_plugin_test", None)
    SIGNATURES.pop("softsign_plugin_test", None)
    for b in [*backends.available().values(), *backends._binding.values()]:
        b.kernels.pop("softsign_plugin_test", None)
    backends._load_errors.pop("softsign-test-plugin:add", None)


def test_a_plugin_registers_an_op_with_its_kernel(op_plugin):
    a = np.random.default_rng(0).standard_normal(5)
    x = lucid.tensor(a, requires_grad=True)
    y = apply("softsign_plugin_test", x)
    np.testing.assert_allclose(y.numpy(), a / (1 + np.abs(a)), rtol=1e-12)
    y.sum().backward()
    eps = 1e-6
    numeric = ((a + eps) / (1 + np.abs(a + eps)) - (a - eps) / (1 + np.abs(a - eps))) / (2 * eps)
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6)
    assert mismatches("softsign_plugin_test", _softsign_numpy) == []


def test_a_plugin_cannot_replace_a_backend_kernel(op_plugin):
    assert "already has a kernel for op 'add'" in backends.load_errors()[
        "softsign-test-plugin:add"]
    np.testing.assert_array_equal((lucid.tensor([1.0]) + lucid.tensor([2.0])).numpy(), [3.0])


def test_a_plugins_capabilities_win_over_core_defaults(op_plugin):
    assert lucid.backends.capabilities("cpu")["dtypes"] == ("float32",)
