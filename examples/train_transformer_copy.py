"""Train the Transformer of ``lucid.models`` (the class behind ``transformer_base``, in a
small configuration) to copy or reverse sequences of random tokens, on the CPU.

    python examples/train_transformer_copy.py                  # reverse, 2 layers, d=64
    python examples/train_transformer_copy.py --task copy --steps 600
    LUCID_BACKEND=mlx python examples/train_transformer_copy.py

Sequences have random lengths (``--min-len`` .. ``--max-len``), are padded with PAD=0 (the
encoder ignores padding through ``src_key_padding_mask``, the loss through
``ignore_index``), the decoder input is ``BOS + target`` and the label ``target + EOS``.
Evaluation decodes greedily (``Transformer.greedy_decode``) on held-out sequences and
reports token accuracy over the target positions (EOS included). Training stops early
once the accuracy exceeds ``--target`` (0.99).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import lucid
from lucid import optim
from lucid.models import Transformer
from lucid.nn import functional as F

PAD, BOS, EOS, FIRST = 0, 1, 2, 3


def make_batch(rng: np.random.Generator, n: int, args) -> tuple[np.ndarray, ...]:
    """``(src, decoder_input, labels)``: int64 arrays, padded with PAD."""
    width = args.max_len + 1
    src = np.full((n, args.max_len), PAD, np.int64)
    dec = np.full((n, width), PAD, np.int64)
    lab = np.full((n, width), PAD, np.int64)
    for i in range(n):
        length = rng.integers(args.min_len, args.max_len + 1)
        seq = rng.integers(FIRST, FIRST + args.symbols, size=length)
        out = seq[::-1] if args.task == "reverse" else seq
        src[i, :length] = seq
        dec[i, 0], dec[i, 1:length + 1] = BOS, out
        lab[i, :length], lab[i, length] = out, EOS
    return src, dec, lab


def token_accuracy(model: Transformer, src: np.ndarray, lab: np.ndarray) -> float:
    """Greedy decoding, fraction of non-padding label positions predicted exactly."""
    model.eval()
    pred = model.greedy_decode(lucid.tensor(src), BOS, lab.shape[1], eos_idx=EOS).numpy()
    model.train()
    keep = lab != PAD
    return float((pred == lab)[keep].mean())


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--task", choices=("reverse", "copy"), default="reverse")
    p.add_argument("--symbols", type=int, default=10, help="distinct tokens in the sequences")
    p.add_argument("--min-len", type=int, default=3)
    p.add_argument("--max-len", type=int, default=10)
    p.add_argument("--d-model", type=int, default=64)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--layers", type=int, default=2, help="encoder and decoder layers each")
    p.add_argument("--ff", type=int, default=128, help="feed-forward width")
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=1500, help="at most this many steps")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--eval-every", type=int, default=100)
    p.add_argument("--eval-size", type=int, default=256)
    p.add_argument("--target", type=float, default=0.99, help="stop above this accuracy")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def main(argv=None) -> float:
    args = parse_args(argv)
    lucid.random.seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = Transformer(FIRST + args.symbols, args.d_model, args.heads, args.layers,
                        args.layers, args.ff, args.dropout, pad_idx=PAD,
                        max_len=args.max_len + 1)
    opt = optim.Adam(model.parameters(), lr=args.lr)
    val_src, _, val_lab = make_batch(np.random.default_rng(args.seed + 1), args.eval_size, args)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{args.task}: {n_params:,} parameters, LUCID_BACKEND="
          f"{os.environ.get('LUCID_BACKEND', 'numpy')}")
    start, acc = time.perf_counter(), 0.0
    for step in range(1, args.steps + 1):
        src, dec, lab = (lucid.tensor(a) for a in make_batch(rng, args.batch_size, args))
        logits = model(src, dec)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), lab.reshape(-1),
                               ignore_index=PAD)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % args.eval_every == 0 or step == args.steps:
            acc = token_accuracy(model, val_src, val_lab)
            print(f"step {step:5d}  loss {loss.item():.4f}  greedy token accuracy "
                  f"{100 * acc:6.2f}%  ({time.perf_counter() - start:.0f} s)", flush=True)
            if acc > args.target:
                break
    print(f"final greedy token accuracy {100 * acc:.2f}% after {step} steps, "
          f"{time.perf_counter() - start:.0f} s")
    return acc


if __name__ == "__main__":
    main()
