"""Every op's kernel signature, declared once: the arrays it takes and its parameters.

A kernel is called as ``kernel(*arrays, **params)``: the op's input arrays positionally
(native arrays of the serving backend), then the op's parameters as keywords. This module
is the one place that says, for each op, what those arrays and parameters are: their
names, their types and, where a parameter may be left out, its default. Backend authors
read it (``docs/op-map.md`` is generated from it), and ``lucid.testing`` checks every
backend's kernels against it (:func:`mismatches`).

Notation of :class:`KernelSignature.arrays`: ``"x"`` is one array, ``"mask?"`` an array
that may be ``None``, ``"*xs"`` any number of arrays.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

NO_DEFAULT = inspect.Parameter.empty

# Readable names for the parameter types used below.
SHAPE = "tuple[int, ...]"
AXES = "tuple[int, ...] | None"  # None: every axis
AXIS = "int | None"  # one axis; None: the flattened array
INT_TUPLE = "tuple[int, ...]"
DTYPE = "lucid.DType"
SCALAR = "bool | int | float"
INDEX = "tuple[int | slice | None | Ellipsis | numpy.ndarray[int | bool], ...]"
OPT_FLOAT = "float | None"
PADS = "tuple[tuple[int, int], ...]"  # (before, after) per spatial dim


@dataclass(frozen=True)
class Param:
    """One keyword parameter of a kernel: ``name: type = default``."""

    name: str
    type: str
    default: object = NO_DEFAULT

    def __str__(self) -> str:
        text = f"{self.name}: {self.type}"
        return text if self.default is NO_DEFAULT else f"{text} = {self.default!r}"


@dataclass(frozen=True)
class KernelSignature:
    """``op(*arrays, **params)``: what one op's kernel receives."""

    op: str
    arrays: tuple[str, ...]
    params: tuple[Param, ...]

    @property
    def variadic(self) -> bool:
        return any(a.startswith("*") for a in self.arrays)

    def __str__(self) -> str:
        parts = list(self.arrays)
        if self.params:
            parts += ["*"] + [str(p) for p in self.params]
        return f"{self.op}({', '.join(parts)})"


SIGNATURES: dict[str, KernelSignature] = {}


def declare(op: str, arrays: str = "x", **params) -> KernelSignature:
    """Declare op ``op``'s kernel: ``arrays`` (space-separated, see the module notes) and
    its parameters, each ``name=type`` or ``name=(type, default)``. A plugin that
    registers a new op declares its kernel here too (``docs/writing-a-backend.md``)."""
    if op in SIGNATURES:
        raise ValueError(f"declare: op {op!r} already has a declared kernel signature")
    declared = tuple(Param(name, *(spec if isinstance(spec, tuple) else (spec,)))
                     for name, spec in params.items())
    sig = KernelSignature(op, tuple(arrays.split()), declared)
    SIGNATURES[op] = sig
    return sig


def _declare_unary(*ops: str) -> None:
    for op in ops:
        declare(op)


def _declare_binary(*ops: str) -> None:
    for op in ops:
        declare(op, "x y")


# -- elementwise ---------------------------------------------------------------------
_declare_unary("neg", "exp", "log", "log2", "log10", "log1p", "expm1", "sqrt", "abs", "sign",
               "sigmoid", "erf", "floor", "ceil", "trunc", "isnan", "isinf", "isposinf",
               "isneginf", "isfinite", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
               "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "logical_not", "relu")
_declare_binary("add", "sub", "mul", "div", "pow", "floor_divide", "remainder", "eq", "ne",
                "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
                "maximum", "minimum", "arctan2")
declare("where", "cond x y")
declare("round", decimals="int")
declare("clip", low=OPT_FLOAT, high=OPT_FLOAT)
declare("nan_to_num", nan="float", posinf=OPT_FLOAT, neginf=OPT_FLOAT)
declare("astype", dtype=DTYPE)
declare("clone")

# -- movement and shape --------------------------------------------------------------
declare("reshape", shape=SHAPE)
declare("permute", axes=INT_TUPLE)
declare("broadcast_to", shape=SHAPE)
declare("concatenate", "*xs", axis="int")
declare("split", indices=INT_TUPLE, axis="int")
declare("pad", pad_width=PADS, value=SCALAR)
declare("roll", shifts=INT_TUPLE, axes=INT_TUPLE)
declare("tril", k="int")
declare("triu", k="int")

# -- indexing ------------------------------------------------------------------------
declare("getitem", index=INDEX)
declare("getitem_grad", "g", index=INDEX, shape=SHAPE)
declare("setitem", "x value", index=INDEX)
declare("gather", "x index", dim="int")
declare("scatter_add", "x index src", dim="int")
declare("scatter", "x index src", dim="int")
declare("nonzero")
declare("embedding", "indices weight", padding_idx="int | None", zero_padding="bool")
declare("embedding_backward", "g indices", num_weights="int", padding_idx="int | None")

# -- reductions and scans ------------------------------------------------------------
for _op in ("sum", "prod", "any", "all", "amax", "amin"):
    declare(_op, axis=AXES, keepdims="bool")
for _op in ("max_dim", "min_dim", "argmax", "argmin"):
    declare(_op, axis=AXIS, keepdims="bool")
declare("var", axis=AXES, keepdims="bool", correction="float")
declare("cumsum", axis="int", reverse="bool")
declare("cumprod", axis="int", reverse="bool")
declare("softmax", axis="int")
declare("log_softmax", axis="int")

# -- products ------------------------------------------------------------------------
declare("matmul", "x y")
declare("einsum", "*arrays", subscripts="str")

# -- creation and random -------------------------------------------------------------
declare("full", "", shape=SHAPE, fill_value=SCALAR, dtype=DTYPE)
declare("arange", "", start="int | float", stop="int | float", step="int | float",
        dtype=DTYPE)
declare("linspace", "", start="float", stop="float", num="int", dtype=DTYPE)
declare("logspace", "", start="float", stop="float", num="int", base="float", dtype=DTYPE)
declare("eye", "", n="int", m="int", dtype=DTYPE)
declare("uniform", "", shape=SHAPE, low="float", high="float", dtype=DTYPE)
declare("normal", "", shape=SHAPE, mean="float", std="float", dtype=DTYPE)
declare("randint", "", shape=SHAPE, low="int", high="int", dtype=DTYPE)
declare("randperm", "", n="int", dtype=DTYPE)
declare("bernoulli", "p")
declare("multinomial", "probs", num_samples="int", replacement="bool")
declare("dropout_mask", "", shape=SHAPE, p="float", dtype=DTYPE, scale="bool")

# -- ordering ------------------------------------------------------------------------
declare("argsort", axis="int", descending="bool")
declare("argtopk", k="int", axis="int", largest="bool")
declare("argkthvalue", k="int", axis="int")
declare("unique", dim="int | None")
declare("searchsorted", "seq values", right="bool")

# -- linear algebra ------------------------------------------------------------------
declare("qr", "a", mode="str")
declare("svd", "a", full_matrices="bool")
declare("eigh", "a", UPLO="str")
for _op in ("eig", "inv", "det", "slogdet", "cholesky"):
    declare(_op, "a")
declare("solve", "a b")
declare("pinv", "a", atol=OPT_FLOAT, rtol=OPT_FLOAT, hermitian="bool")

# -- convolution, pooling, windows ---------------------------------------------------
_CONV = {"stride": INT_TUPLE, "padding": PADS, "dilation": INT_TUPLE, "groups": "int"}
declare("conv", "x w", **_CONV)
declare("conv_weight_grad", "x g", kernel_size=INT_TUPLE, **_CONV)
declare("conv_transpose", "y w", output_size=INT_TUPLE, **_CONV)
declare("unfold", kernel_size=INT_TUPLE, dilation=INT_TUPLE, padding=PADS,
        stride=INT_TUPLE)
declare("fold", "cols", output_size=INT_TUPLE, kernel_size=INT_TUPLE, dilation=INT_TUPLE,
        padding=PADS, stride=INT_TUPLE)
_AVG = {"kernel_size": INT_TUPLE, "stride": INT_TUPLE, "padding": PADS,
        "ceil_mode": "bool", "count_include_pad": "bool", "divisor_override": "int | None"}
declare("max_pool", kernel_size=INT_TUPLE, stride=INT_TUPLE, padding=PADS,
        dilation=INT_TUPLE, ceil_mode="bool")
declare("avg_pool", **_AVG)
declare("avg_pool_transpose", "g", spatial=INT_TUPLE, **_AVG)
declare("pool_scatter", "g indices", spatial=INT_TUPLE)
declare("pool_gather", "x indices")
declare("adaptive_max_pool", output_size=INT_TUPLE)

# -- fused layers and losses ---------------------------------------------------------
declare("layer_norm", "x weight? bias?", eps="float")
declare("scaled_dot_product_attention", "q k v mask?", scale="float", is_causal="bool")
declare("gru_cell", "xp h w_hh b_hh?")
declare("lstm_cell", "xp h c w_hh b_hh?")
declare("linear", "x w b?")
declare("class_target_weights", "target weight?", ignore_index="int | None",
        label_smoothing="float")
declare("cross_entropy", "x target weight?", ignore_index="int | None",
        label_smoothing="float")
declare("nll_loss", "x target weight?", ignore_index="int | None")


def signature(op: str) -> KernelSignature:
    """The declared kernel signature of ``op`` (``KeyError`` names the op)."""
    try:
        return SIGNATURES[op]
    except KeyError:
        raise KeyError(f"op {op!r} has no declared kernel signature; declare it with "
                       "lucid.ops.signatures.declare") from None


def mismatches(op: str, kernel) -> list[str]:
    """How ``kernel`` disagrees with op ``op``'s declared signature (empty: it conforms).

    The kernel must take the declared arrays positionally and accept every declared
    parameter by keyword, and it may not require a parameter the declaration lacks.
    A kernel Python cannot introspect (a C function, a NumPy ufunc) is checked only
    when it takes no parameters; its calls in the conformance cases check the rest."""
    sig = signature(op)
    try:
        found = inspect.signature(kernel)
    except (TypeError, ValueError):
        return [] if not sig.params else [
            f"{op}: kernel {kernel!r} cannot be introspected but must accept keyword "
            f"parameters {[p.name for p in sig.params]}"]
    kinds = inspect.Parameter
    given = found.parameters.values()
    var_kw = any(p.kind is kinds.VAR_KEYWORD for p in given)
    var_pos = any(p.kind is kinds.VAR_POSITIONAL for p in given)
    positional = [p for p in given if p.kind in (kinds.POSITIONAL_ONLY,
                                                kinds.POSITIONAL_OR_KEYWORD)]
    problems = []
    n_arrays = len([a for a in sig.arrays if not a.startswith("*")])
    if sig.variadic and not var_pos:
        problems.append(f"{op}: declared {sig}; the kernel takes no *arrays")
    if not var_pos and len(positional) < n_arrays:
        problems.append(f"{op}: declared {n_arrays} array inputs, the kernel takes "
                        f"{len(positional)} positionally")
    names = {p.name for p in given if p.kind is not kinds.POSITIONAL_ONLY}
    declared = {p.name for p in sig.params}
    for p in sig.params:
        if p.name not in names and not var_kw:
            problems.append(f"{op}: the kernel has no keyword parameter {p.name!r} "
                            f"(declared: {sig})")
    for p in list(given)[n_arrays:]:
        if (p.default is kinds.empty and p.name not in declared
                and p.kind in (kinds.KEYWORD_ONLY, kinds.POSITIONAL_OR_KEYWORD)):
            problems.append(f"{op}: the kernel requires {p.name!r}, which is not declared "
                            f"(declared: {sig})")
    return problems
