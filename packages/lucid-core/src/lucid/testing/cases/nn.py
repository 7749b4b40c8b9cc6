"""Cases of the neural-network ops: softmax, log_softmax, cross_entropy, nll_loss,
class_target_weights, embedding (+ backward), dropout_mask. References are written
directly from the formulas with plain NumPy (loops where that is clearer)."""

import numpy as np

import lucid
from lucid.testing.case import case


def ref_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def ref_log_softmax(x, axis):
    return np.log(ref_softmax(x, axis))


case("softmax", lambda rng: [rng.standard_normal((3, 4, 2)) * 3], ref_softmax,
     params={"axis": 1})
case("softmax", lambda rng: [rng.standard_normal((2, 5)) + 500], ref_softmax, name="large",
     params={"axis": 1})
case("log_softmax", lambda rng: [rng.standard_normal((3, 4)) * 3], ref_log_softmax,
     params={"axis": 1})
case("log_softmax", lambda rng: [rng.standard_normal((2, 3, 4))],
     lambda x: ref_log_softmax(x, -1), name="public-last",
     call=lambda x: lucid.log_softmax(x, -1))


def _q(target, weight, ignore_index, label_smoothing, classes):
    """Target distribution by loops over elements."""
    q = np.zeros((target.shape[0], classes) + target.shape[1:])
    for pos in np.ndindex(*target.shape):
        t = target[pos]
        if t == ignore_index:
            continue
        for c in range(classes):
            idx = (pos[0], c) + pos[1:]
            q[idx] = label_smoothing / classes * weight[c]
            if c == t:
                q[idx] += (1 - label_smoothing) * weight[c]
    return q


def ref_cross_entropy(x, target, weight, ignore_index, label_smoothing):
    q = _q(target, weight, ignore_index, label_smoothing, x.shape[1])
    loss = -(q * ref_log_softmax(x, 1)).sum(axis=1)
    wt = np.array([0.0 if t == ignore_index else weight[t] for t in target.reshape(-1)])
    return loss, wt.reshape(target.shape)


def ref_nll_loss(x, target, weight, ignore_index):
    loss = np.zeros(target.shape)
    wt = np.zeros(target.shape)
    for pos in np.ndindex(*target.shape):
        t = target[pos]
        if t != ignore_index:
            wt[pos] = weight[t]
            loss[pos] = -weight[t] * x[(pos[0], t) + pos[1:]]
    return loss, wt


def _ce_inputs(shape, classes, ignore=-100):
    def make(rng):
        x = rng.standard_normal((shape[0], classes) + shape[1:])
        t = rng.integers(0, classes, shape)
        t.reshape(-1)[1] = ignore
        return [x, t, rng.uniform(0.5, 2.0, classes)]
    return make


case("cross_entropy", _ce_inputs((4,), 5), ref_cross_entropy, grad_inputs=(0,),
     params={"ignore_index": -100, "label_smoothing": 0.0})
case("cross_entropy", _ce_inputs((2, 3), 4), ref_cross_entropy, name="nd-smoothing",
     grad_inputs=(0,), params={"ignore_index": -100, "label_smoothing": 0.15})
case("nll_loss", _ce_inputs((5,), 3), ref_nll_loss, grad_inputs=(0,),
     params={"ignore_index": -100})
case("nll_loss", _ce_inputs((2, 2, 2), 3, ignore=1), ref_nll_loss, name="nd", grad_inputs=(0,),
     params={"ignore_index": 1})
case("class_target_weights", lambda rng: _ce_inputs((3, 2), 4)(rng)[1:],
     lambda t, w, ignore_index, label_smoothing: _q(t, w, ignore_index, label_smoothing, 4),
     params={"ignore_index": -100, "label_smoothing": 0.1})


def ref_mean_ce(x, t, w):
    loss, wt = ref_cross_entropy(x, t, w, -100, 0.1)
    return loss.sum() / wt.sum()


case("cross_entropy", _ce_inputs((4,), 3), ref_mean_ce, name="public-mean", grad_inputs=(0,),
     call=lambda x, t, w: lucid.cross_entropy(x, t, w, label_smoothing=0.1))
case("cross_entropy", lambda rng: [rng.standard_normal((3, 4)),
                                   rng.dirichlet(np.ones(4), 3)],
     lambda x, p: -(p * ref_log_softmax(x, 1)).sum() / 3, name="public-probabilities",
     call=lambda x, p: lucid.cross_entropy(x, p))


def ref_embedding(idx, w, padding_idx, zero_padding):
    out = np.stack([w[i] for i in idx.reshape(-1)]).reshape(idx.shape + (w.shape[1],))
    if zero_padding:
        out[idx == padding_idx] = 0
    return out


def ref_embedding_backward(g, idx, num_weights, padding_idx):
    out = np.zeros((num_weights, g.shape[-1]))
    for pos in np.ndindex(*idx.shape):
        out[idx[pos]] += g[pos]
    if padding_idx is not None:
        out[padding_idx] = 0
    return out


_IDX = [[0, 3, 3], [1, 4, 0]]
case("embedding", lambda rng: [np.array(_IDX), rng.standard_normal((5, 3))], ref_embedding,
     params={"padding_idx": None, "zero_padding": False})
# with padding_idx the padding row deliberately gets no gradient: forward check only
case("embedding", lambda rng: [np.array(_IDX), rng.standard_normal((5, 3))], ref_embedding,
     name="padding-idx", params={"padding_idx": 3, "zero_padding": False}, grad_inputs=())
case("embedding", lambda rng: [np.array(_IDX), rng.standard_normal((5, 3))], ref_embedding,
     name="zero-padding", params={"padding_idx": 3, "zero_padding": True})
case("embedding_backward", lambda rng: [rng.standard_normal((2, 3, 4)), np.array(_IDX)],
     ref_embedding_backward, params={"num_weights": 6, "padding_idx": 0})
case("embedding_backward", lambda rng: [rng.standard_normal((2, 3, 4)), np.array(_IDX)],
     ref_embedding_backward, name="no-padding", params={"num_weights": 5, "padding_idx": None})
case("dropout_mask", lambda rng: [], lambda **p: np.ones(p["shape"]), name="p0",
     params={"shape": (3, 4), "p": 0.0, "dtype": lucid.float64, "scale": True}, float32=False)
case("dropout_mask", lambda rng: [], lambda **p: np.zeros(p["shape"]), name="p1",
     params={"shape": (2, 2), "p": 1.0, "dtype": lucid.float64, "scale": True}, float32=False)
