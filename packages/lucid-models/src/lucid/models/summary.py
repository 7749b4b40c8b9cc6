"""``summarize(model, input_shape)``: a torchinfo-like table of a model, layer by layer.

One forward pass on a random input (under ``no_grad``; in eval mode by default, as
torchinfo, so batch-norm statistics and dropout are left alone; every module's mode is
restored afterwards; the input comes from a private NumPy generator, so Lucid's global
random state is untouched) records, for every module call in the order it happens: its
qualified name and type, its output shape, its parameter count (including its children's),
whether those parameters are trainable, and the multiply-adds of that call
(``lucid.count_flops``).

Totals and memory estimates (bytes, shown in MB = 2**20 bytes):

- *params size*: the bytes of every parameter and buffer, each at its own dtype;
- *input size*: the bytes of the input(s);
- *forward/backward pass size*: ``2 x`` the bytes of every leaf module's output (what a
  training step keeps for backward plus the gradients flowing back), torchinfo's estimate;
- *estimated total*: the sum of the three.

The function prints the table (``print_table=False`` to silence it) and returns a
:class:`ModelSummary` holding the rows and totals, so the numbers can be used directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import lucid

__all__ = ["LayerInfo", "ModelSummary", "summarize"]

_MB = 2 ** 20


@dataclass
class LayerInfo:
    """One module call: ``name`` (qualified, ``""`` for the model), ``kind`` (class name),
    ``depth`` (0 for the model), ``output_shape``, ``params``, ``trainable`` ("True",
    "False", "Partial" or "--" without parameters), ``macs``, ``is_leaf``."""

    name: str
    kind: str
    depth: int
    output_shape: tuple | list | None
    params: int
    trainable: str
    macs: int
    is_leaf: bool
    output_bytes: int = 0


@dataclass(repr=False)
class ModelSummary:
    """What :func:`summarize` measured; ``str(summary)`` (and its repr, as torchinfo's, for
    notebooks) is the printed table."""

    layers: list[LayerInfo] = field(default_factory=list)
    total_params: int = 0
    trainable_params: int = 0
    total_macs: int = 0
    input_bytes: int = 0
    params_bytes: int = 0
    forward_backward_bytes: int = 0
    depth: int | None = None

    @property
    def non_trainable_params(self) -> int:
        return self.total_params - self.trainable_params

    @property
    def total_bytes(self) -> int:
        return self.input_bytes + self.params_bytes + self.forward_backward_bytes

    def __str__(self) -> str:
        return _render(self)

    __repr__ = __str__


def summarize(model, input_shape=None, *, input_data=None, dtype=None, device="cpu",
              depth: int | None = None, mode: str = "eval",
              print_table: bool = True) -> ModelSummary:
    """Summarise ``model`` on an input of ``input_shape`` (a shape with the batch dim, or a
    list of shapes for a model taking several inputs), or on ``input_data`` (a tensor or a
    list of them). Inputs made from a shape are standard normal, or zeros for an integer
    ``dtype`` (valid indices for embeddings). ``depth`` limits the rows shown by nesting
    depth (the totals always cover everything); ``mode`` is ``"eval"``, ``"train"`` or
    ``"same"`` (the mode the forward pass runs in)."""
    if mode not in ("eval", "train", "same"):
        raise ValueError(f"summarize: mode must be 'eval', 'train' or 'same', got {mode!r}")
    if (input_shape is None) == (input_data is None):
        raise ValueError("summarize: give exactly one of input_shape and input_data")
    if input_data is not None:
        inputs = list(input_data) if isinstance(input_data, (list, tuple)) else [input_data]
    else:
        inputs = _make_inputs(_input_shapes(input_shape), dtype, device)
    calls: list[LayerInfo] = []
    stack: list[tuple[int, int]] = []  # (row index, MACs counted when the call began)
    counter = lucid.count_flops()
    handles = []
    for name, module in model.named_modules():
        handles.append(module.register_forward_pre_hook(_pre_hook(name, calls, stack, counter)))
        handles.append(module.register_forward_hook(_post_hook(calls, stack, counter)))
    modes = [(m, m.training) for _, m in model.named_modules()]
    if mode != "same":
        model.train(mode == "train")
    try:
        with lucid.no_grad(), counter:
            model(*inputs)
    finally:
        for handle in handles:
            handle.remove()
        for module, training in modes:
            module.training = training
    summary = ModelSummary(layers=calls, depth=depth)
    params = list(model.parameters())
    summary.total_params = sum(p.numel() for p in params)
    summary.trainable_params = sum(p.numel() for p in params if p.requires_grad)
    summary.total_macs = counter.total
    summary.input_bytes = sum(_nbytes(t) for t in inputs)
    summary.params_bytes = sum(_nbytes(p) for p in params) + sum(
        _nbytes(b) for _, b in _buffers(model))
    summary.forward_backward_bytes = 2 * sum(i.output_bytes for i in calls if i.is_leaf)
    if print_table:
        print(summary)
    return summary


def _make_inputs(shapes, dtype, device) -> list:
    """Inputs from a private generator (Lucid's global random state is left alone)."""
    integer = dtype is not None and not lucid.dtypes.to_dtype(dtype).is_floating_point
    rng = np.random.default_rng(0)
    return [lucid.tensor(np.zeros(s) if integer else rng.standard_normal(s).astype(np.float32),
                         dtype=dtype, device=device) for s in shapes]


def _input_shapes(input_shape) -> list[tuple[int, ...]]:
    if not isinstance(input_shape, (tuple, list)) or not input_shape:
        raise ValueError(f"summarize: input_shape must be a shape like (1, 3, 224, 224) or a "
                         f"list of shapes, got {input_shape!r}")
    if all(isinstance(n, int) for n in input_shape):
        shapes = [tuple(input_shape)]
    else:
        shapes = [tuple(s) for s in input_shape]
    for s in shapes:
        if not s or not all(isinstance(n, int) and n > 0 for n in s):
            raise ValueError(f"summarize: bad input shape {s!r}: expected positive ints")
    return shapes


def _pre_hook(name: str, calls: list, stack: list, counter):
    def hook(mod, args):
        params = list(mod.parameters())
        info = LayerInfo(name=name, kind=type(mod).__name__,
                         depth=0 if not name else name.count(".") + 1, output_shape=None,
                         params=sum(p.numel() for p in params),
                         trainable=_trainable(params), macs=0,
                         is_leaf=next(iter(mod.children()), None) is None)
        stack.append((len(calls), counter.total))
        calls.append(info)
    return hook


def _post_hook(calls: list, stack: list, counter):
    def hook(mod, args, output):
        index, start = stack.pop()
        info = calls[index]
        info.macs = counter.total - start
        info.output_shape = _shape_of(output)
        info.output_bytes = sum(_nbytes(t) for t in _tensors(output))
    return hook


def _trainable(params) -> str:
    if not params:
        return "--"
    flags = {p.requires_grad for p in params}
    return "Partial" if len(flags) == 2 else str(flags.pop())


def _tensors(value):
    if isinstance(value, lucid.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return []


def _shape_of(value):
    if isinstance(value, lucid.Tensor):
        return tuple(value.shape)
    if isinstance(value, (tuple, list)):
        return [_shape_of(v) for v in value]
    return None


def _nbytes(t) -> int:
    return t.numel() * t.dtype.itemsize


def _buffers(model):
    return model.named_buffers() if hasattr(model, "named_buffers") else []


def _render(s: ModelSummary) -> str:
    head = f"{'Layer (type)':<44}{'Output Shape':<26}{'Param #':>12}{'Trainable':>11}" \
           f"{'Mult-Adds':>16}"
    rule = "=" * len(head)
    lines = [rule, head, rule]
    for info in s.layers:
        if s.depth is not None and info.depth > s.depth:
            continue
        label = f"{'  ' * info.depth}{info.name or info.kind}"
        if info.name:
            label += f" ({info.kind})"
        shape = str(info.output_shape).replace(" ", "")
        lines.append(f"{label[:43]:<44}{shape[:25]:<26}{info.params:>12,}{info.trainable:>11}"
                     f"{info.macs:>16,}")
    lines += [rule,
              f"Total params: {s.total_params:,}",
              f"Trainable params: {s.trainable_params:,}",
              f"Non-trainable params: {s.non_trainable_params:,}",
              f"Total mult-adds (G): {s.total_macs / 1e9:.3f}",
              rule,
              f"Input size (MB): {s.input_bytes / _MB:.2f}",
              f"Forward/backward pass size (MB): {s.forward_backward_bytes / _MB:.2f}",
              f"Params size (MB): {s.params_bytes / _MB:.2f}",
              f"Estimated total size (MB): {s.total_bytes / _MB:.2f}",
              rule]
    return "\n".join(lines)
