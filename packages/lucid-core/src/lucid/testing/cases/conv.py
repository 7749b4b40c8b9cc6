"""Cases of the convolution ops: ``conv``, ``conv_transpose``, ``conv_weight_grad`` and
the public ``conv1d/2d/3d``, ``conv_transpose1d/2d/3d``.

The references loop over output (or input) positions and contract one window at a time
with ``np.einsum`` - independent of the im2col/GEMM kernels.
"""

import numpy as np

import lucid
from lucid.testing.case import case


def _window(pos, stride, dilation, kernel):
    return tuple(slice(p * s, p * s + d * (k - 1) + 1, d)
                 for p, s, d, k in zip(pos, stride, dilation, kernel))


def _padded(x, padding):
    return np.pad(x, ((0, 0), (0, 0)) + tuple(padding))


def ref_conv(x, w, stride, padding, dilation, groups):
    """Cross-correlation by explicit loops over output positions and groups."""
    xp = _padded(x, padding)
    kernel = w.shape[2:]
    count = [(n - d * (k - 1) - 1) // s + 1
             for n, k, s, d in zip(xp.shape[2:], kernel, stride, dilation)]
    out = np.zeros((x.shape[0], w.shape[0], *count))
    cg, og = w.shape[1], w.shape[0] // groups
    for pos in np.ndindex(*count):
        win = _window(pos, stride, dilation, kernel)
        for g in range(groups):
            patch = xp[(slice(None), slice(g * cg, (g + 1) * cg)) + win]
            out[(slice(None), slice(g * og, (g + 1) * og)) + pos] = np.einsum(
                "nck,ock->no", patch.reshape(patch.shape[:2] + (-1,)),
                w[g * og:(g + 1) * og].reshape(og, cg, -1))
    return out


def ref_conv_transpose(y, w, stride, padding, dilation, groups, output_size):
    """Scatter each input element's ``y * w`` into the padded output, then crop."""
    kernel = w.shape[2:]
    og, cg = w.shape[0] // groups, w.shape[1]
    big = [max((m - 1) * s + d * (k - 1) + 1, lo + size) for m, s, d, k, (lo, _), size
           in zip(y.shape[2:], stride, dilation, kernel, padding, output_size)]
    full = np.zeros((y.shape[0], cg * groups, *big))
    for pos in np.ndindex(*y.shape[2:]):
        win = _window(pos, stride, dilation, kernel)
        for g in range(groups):
            yg = y[(slice(None), slice(g * og, (g + 1) * og)) + pos]
            contrib = np.einsum("ni,ick->nck", yg, w[g * og:(g + 1) * og].reshape(og, cg, -1))
            contrib = contrib.reshape(contrib.shape[:2] + kernel)
            full[(slice(None), slice(g * cg, (g + 1) * cg)) + win] += contrib
    crop = tuple(slice(lo, lo + size) for (lo, _), size in zip(padding, output_size))
    return full[(slice(None), slice(None)) + crop]


def ref_conv_weight_grad(x, g, stride, padding, dilation, groups, kernel_size):
    """``dw[o, c, k] = sum_{n, l} g[n, o, l] * xp[n, c, l*s + k*d]`` by loops."""
    xp = _padded(x, padding)
    o, cg = g.shape[1], x.shape[1] // groups
    og = o // groups
    dw = np.zeros((o, cg, *kernel_size))
    for pos in np.ndindex(*g.shape[2:]):
        win = _window(pos, stride, dilation, kernel_size)
        for grp in range(groups):
            patch = xp[(slice(None), slice(grp * cg, (grp + 1) * cg)) + win]
            gg = g[(slice(None), slice(grp * og, (grp + 1) * og)) + pos]
            dw[grp * og:(grp + 1) * og] += np.einsum(
                "no,nck->ock", gg, patch.reshape(patch.shape[:2] + (-1,))).reshape(
                (og, cg) + tuple(kernel_size))
    return dw


def _randn(*shapes):
    return lambda rng: [rng.standard_normal(s) for s in shapes]


def _p(stride, padding, dilation, groups=1, **extra):
    return dict(stride=stride, padding=padding, dilation=dilation, groups=groups, **extra)


case("conv", _randn((2, 3, 5, 6), (4, 3, 3, 2)), ref_conv, name="2d",
     params=_p((1, 1), ((1, 1), (0, 1)), (1, 1)))
case("conv", _randn((1, 4, 7, 6), (4, 2, 3, 3)), ref_conv, name="2d-stride-dilation-groups",
     params=_p((2, 1), ((1, 1), (2, 2)), (1, 2), groups=2))
case("conv", _randn((2, 2, 7), (3, 2, 3)), ref_conv, name="1d-stride",
     params=_p((2,), ((1, 2),), (1,)))
case("conv", _randn((1, 2, 4, 3, 4), (2, 2, 2, 2, 3)), ref_conv, name="3d",
     params=_p((1, 1, 1), ((0, 0), (1, 0), (1, 1)), (1, 1, 1)))
case("conv", _randn((1, 2, 5, 4, 5), (2, 1, 2, 2, 2)), ref_conv, name="3d-strided-groups",
     params=_p((2, 1, 2), ((1, 1), (0, 0), (1, 0)), (1, 2, 1), groups=2))
case("conv_transpose", _randn((2, 4, 3, 3), (4, 2, 3, 2)), ref_conv_transpose, name="2d",
     params=_p((1, 1), ((1, 1), (0, 0)), (1, 1), output_size=(3, 4)))
case("conv_transpose", _randn((1, 4, 3, 2), (4, 1, 2, 3)), ref_conv_transpose,
     name="2d-strided-groups-outpad",
     params=_p((2, 3), ((1, 1), (0, 0)), (1, 2), groups=2, output_size=(5, 9)))
case("conv_transpose", _randn((2, 3, 4), (3, 2, 3)), ref_conv_transpose, name="1d-dilated",
     params=_p((1,), ((2, 2),), (2,), output_size=(6,)))
case("conv_transpose", _randn((1, 2, 2, 2, 3), (2, 2, 2, 2, 2)), ref_conv_transpose,
     name="3d-strided", params=_p((2, 1, 2), ((0, 0), (1, 1), (1, 1)), (1, 1, 1),
                                  output_size=(4, 1, 5)))
case("conv_weight_grad", _randn((2, 3, 5, 5), (2, 4, 3, 4)), ref_conv_weight_grad, name="2d",
     params=_p((1, 1), ((0, 0), (1, 0)), (1, 1), kernel_size=(3, 3)))
case("conv_weight_grad", _randn((1, 4, 6, 5), (1, 2, 3, 3)), ref_conv_weight_grad,
     name="2d-strided-groups",
     params=_p((2, 2), ((0, 1), (1, 1)), (2, 1), groups=2, kernel_size=(2, 3)))
case("conv_weight_grad", _randn((2, 2, 6), (2, 3, 3)), ref_conv_weight_grad, name="1d-strided",
     params=_p((2,), ((1, 0),), (1,), kernel_size=(3,)))
case("conv_weight_grad", _randn((1, 2, 3, 4, 3), (1, 2, 2, 3, 2)), ref_conv_weight_grad,
     name="3d", params=_p((1, 1, 1), ((0, 0), (0, 0), (0, 0)), (1, 1, 1),
                          kernel_size=(2, 2, 2)))


def _bias(ref, nd):
    def run(x, w, b, **p):
        y = ref(x, w, **p)
        return y + b.reshape((1, -1) + (1,) * nd)
    return run


def _public_conv(nd, stride, padding, dilation, groups):
    def ref(x, w, b):
        pads = [(padding, padding)] * nd if isinstance(padding, int) else None
        if padding == "same":
            pads = [(dilation * (k - 1) // 2, dilation * (k - 1) - dilation * (k - 1) // 2)
                    for k in w.shape[2:]]
        return _bias(ref_conv, nd)(x, w, b, stride=(stride,) * nd, padding=pads,
                                   dilation=(dilation,) * nd, groups=groups)
    fn = getattr(lucid, f"conv{nd}d")
    return ref, lambda x, w, b: fn(x, w, b, stride, padding, dilation, groups)


for _nd, _shapes, _args in (
        (1, [(2, 4, 7), (6, 2, 3), (6,)], (2, 1, 1, 2)),
        (2, [(2, 2, 5, 5), (3, 2, 2, 2), (3,)], (1, "same", 2, 1)),
        (3, [(1, 2, 3, 4, 3), (2, 2, 2, 2, 2), (2,)], (1, 1, 1, 1))):
    _ref, _call = _public_conv(_nd, *_args)
    case("conv", _randn(*_shapes), _ref, call=_call, name=f"public-conv{_nd}d-bias")


def _public_conv_transpose(nd, stride, padding, output_padding, groups, dilation):
    def ref(y, w, b):
        size = tuple((m - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
                     for m, k in zip(y.shape[2:], w.shape[2:]))
        return _bias(ref_conv_transpose, nd)(
            y, w, b, stride=(stride,) * nd, padding=((padding, padding),) * nd,
            dilation=(dilation,) * nd, groups=groups, output_size=size)
    fn = getattr(lucid, f"conv_transpose{nd}d")
    return ref, lambda y, w, b: fn(y, w, b, stride, padding, output_padding, groups, dilation)


for _nd, _shapes, _args in (
        (1, [(2, 4, 4), (4, 3, 3), (6,)], (2, 1, 1, 2, 1)),
        (2, [(1, 2, 3, 3), (2, 3, 3, 3), (3,)], (2, 1, 1, 1, 1)),
        (3, [(1, 2, 2, 2, 2), (2, 2, 2, 2, 2), (2,)], (1, 0, 0, 1, 2))):
    _ref, _call = _public_conv_transpose(_nd, *_args)
    case("conv_transpose", _randn(*_shapes), _ref, call=_call,
         name=f"public-conv_transpose{_nd}d-bias")
