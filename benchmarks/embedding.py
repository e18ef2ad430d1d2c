"""Batch embedding losses: forward+backward time and peak memory against PML and each framework's formula.

    bash benchmarks/run.sh --embedding   # every backend; writes its section of benchmarks/RESULTS.md

``TripletSemiHard`` and ``SupervisedContrastive`` on ``N`` embeddings of ``D = 128``
(float32), labels in groups of 4 (``N / 4`` identities: P×K batches with K = 4,
as metric learning draws them). Against:

- native: the same formula written directly in the framework: ``jax.numpy``
  (jit), ``tf`` (``tf.function(jit_compile=True)``), ``torch`` (eager). Semi-hard
  mining sorts each row's negative distances and searches each positive distance
  in them (``O(N² log N)``, as ours): ``jnp.searchsorted`` mapped over the rows,
  ``torch.searchsorted`` (batched), and on TensorFlow a binary search of
  ``tf.gather`` (``tf.searchsorted`` compares every pair under XLA: 3.1 s at
  N = 1024, 40× the binary search);
- PML on torch (eager): ``TripletMarginLoss(margin=1)`` with
  ``TripletMarginMiner(margin=1, type_of_triplets="semihard")``, and ``SupConLoss``.
  PML's semi-hard is another loss: it keeps *every* triplet with
  ``d(a, p) < d(a, n) < d(a, p) + margin`` and averages the non-zero ones, where
  TF-Addons (and ours) takes *one* negative per positive pair (the closest beyond
  the positive) and averages over all positive pairs. It enumerates all
  ``N·(K−1)·(N−K)`` triplets, so its time and memory grow as ``N²·K``.
  PML's ``SupConLoss`` is our oracle: the same value.

Timing and memory as in ``benchmarks/run.py``; fewer rounds, since one pass
takes tenths of a second to seconds.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import sys
from types import SimpleNamespace as Namespace

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
import run as harness  # noqa: E402  (the shared timing and memory harness)

D, GROUP, MARGIN, TEMPERATURE = 128, 4, 1.0, 0.1
SIZES = tuple(int(n) for n in os.environ.get("BENCH_EMBEDDING_SIZES", "1024,4096").split(","))  # smoke test: 64,256
# One loss at a time: BENCH_EMBEDDING_LOSSES=SupervisedContrastive
LOSSES = tuple(os.environ.get("BENCH_EMBEDDING_LOSSES", "TripletSemiHard,SupervisedContrastive").split(","))
BEGIN, END = "<!-- embedding -->", "<!-- /embedding -->"


def _formulas(ns):
    """The two losses written directly in a framework's array ops (``ns``): TF-Addons' and PML's semantics."""

    def distances(x):  # TF-Addons' pairwise_distance: clamped at 0, sqrt kept off 0, diagonal 0
        squared = ns.sum(x * x, 1)
        d2 = ns.maximum(squared[:, None] + squared[None, :] - 2.0 * ns.matmul(x, ns.transpose(x)), 0.0)
        zero = ns.cast(d2 <= 0.0, x.dtype)
        d = ns.sqrt(d2 + zero * 1e-16) * (1.0 - zero)
        return d * (1.0 - ns.eye(x.shape[0], x.dtype))

    def masks(labels, n):
        same = labels[:, None] == labels[None, :]
        eye = ns.eye(n, "bool")
        return same & ~eye, ~same  # positive pairs, negative pairs

    def finish(d, positive, semihard):
        losses = ns.where(positive, ns.maximum(MARGIN + d - semihard, 0.0), 0.0)
        return ns.sum(losses) / ns.maximum(ns.sum(ns.cast(positive, d.dtype)), 1.0)

    def inside(d, negative):  # the farthest negative (TF-Addons' masked maximum)
        low = ns.min(d, 1, keepdims=True)
        return ns.max(ns.where(negative, d - low, 0.0), 1, keepdims=True) + low

    def semihard(labels, x):  # sort the negatives once per row, search each positive distance
        d = distances(x)
        positive, negative = masks(labels, x.shape[0])
        key = ns.where(negative, ns.stop_gradient(d), float("inf"))
        order = ns.argsort(key)
        sorted_key, sorted_d = ns.take_along_axis(key, order), ns.take_along_axis(d, order)
        closer = ns.searchsorted(sorted_key, ns.stop_gradient(d))
        outside = ns.take_along_axis(sorted_d, ns.minimum(closer, x.shape[0] - 1))
        count = ns.sum(ns.cast(negative, closer.dtype), 1, keepdims=True)
        return finish(d, positive, ns.where(closer < count, outside, inside(d, negative)))

    def supcon(labels, x):  # PML's SupConLoss
        x = x / ns.maximum(ns.sqrt(ns.sum(x * x, 1, keepdims=True)), 1e-12)
        s = ns.matmul(x, ns.transpose(x)) / TEMPERATURE
        positive, negative = masks(labels, x.shape[0])
        others = positive | negative
        s = s - ns.stop_gradient(ns.max(s, 1, keepdims=True))
        shifted = ns.where(others, s, float("-inf"))
        top = ns.stop_gradient(ns.max(shifted, 1, keepdims=True))
        log_denominator = ns.log(ns.sum(ns.exp(shifted - top), 1, keepdims=True)) + top
        count = ns.sum(ns.cast(positive, x.dtype), 1)
        losses = -ns.sum(ns.where(positive, s - log_denominator, 0.0), 1) / ns.maximum(count, 1.0)
        kept = ns.cast(losses > 0.0, x.dtype)
        return ns.sum(losses * kept) / ns.maximum(ns.sum(kept), 1.0)

    return {"TripletSemiHard": semihard, "SupervisedContrastive": supcon}


def native(backend: str) -> dict:
    if backend == "torch":
        import torch

        def dtype(d):
            return d if isinstance(d, torch.dtype) else getattr(torch, d)

        ns = Namespace(
            sum=lambda x, axis=None, keepdims=False: x.sum() if axis is None else x.sum(axis, keepdim=keepdims),
            maximum=torch.clamp_min,
            matmul=torch.matmul, transpose=lambda x: x.T, cast=lambda x, d: x.to(dtype(d)),
            sqrt=torch.sqrt, eye=lambda n, d: torch.eye(n, dtype=dtype(d)),
            where=lambda c, x, y: torch.where(c, x, torch.as_tensor(y, dtype=torch.float32)),
            min=lambda x, axis, keepdims=False: x.amin(axis, keepdim=keepdims),
            max=lambda x, axis, keepdims=False: x.amax(axis, keepdim=keepdims), stop_gradient=lambda x: x.detach(),
            argsort=lambda x: torch.argsort(x, 1), take_along_axis=lambda x, i: torch.take_along_dim(x, i, 1),
            searchsorted=lambda a, v: torch.searchsorted(a, v, right=True), minimum=torch.clamp_max,
            any=lambda x, axis: x.any(axis), log=torch.log, exp=torch.exp,
        )  # fmt: skip
        return _formulas(ns)
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        ns = Namespace(
            sum=jnp.sum, maximum=jnp.maximum, matmul=jnp.matmul, transpose=jnp.transpose,
            cast=lambda x, d: x.astype(d), sqrt=jnp.sqrt, eye=lambda n, d: jnp.eye(n, dtype=d), where=jnp.where,
            min=jnp.min, max=jnp.max, stop_gradient=jax.lax.stop_gradient, argsort=lambda x: jnp.argsort(x, 1),
            take_along_axis=lambda x, i: jnp.take_along_axis(x, i, 1),
            searchsorted=jax.vmap(lambda a, v: jnp.searchsorted(a, v, side="right")), minimum=jnp.minimum,
            any=jnp.any, log=jnp.log, exp=jnp.exp,
        )  # fmt: skip
        return _formulas(ns)
    import tensorflow as tf

    def searchsorted(a, v):  # tf.searchsorted compares every pair under XLA: a binary search, one gather a bit
        count, size = tf.zeros_like(v, tf.int32), a.shape[1]
        for bit in reversed(range(max(1, size.bit_length()))):
            candidate = count + (1 << bit)
            probe = tf.gather(a, tf.minimum(candidate - 1, size - 1), batch_dims=1)
            count = tf.where((candidate <= size) & (probe <= v), candidate, count)
        return count

    ns = Namespace(
        sum=lambda x, axis=None, keepdims=False: tf.reduce_sum(x, axis, keepdims=keepdims), maximum=tf.maximum,
        matmul=tf.matmul, transpose=tf.transpose, cast=tf.cast, sqrt=tf.sqrt,
        eye=lambda n, d: tf.eye(n, dtype=d), where=lambda c, x, y: tf.where(c, x, tf.cast(y, tf.float32)),
        min=lambda x, axis, keepdims=False: tf.reduce_min(x, axis, keepdims=keepdims),
        max=lambda x, axis, keepdims=False: tf.reduce_max(x, axis, keepdims=keepdims),
        stop_gradient=tf.stop_gradient, argsort=lambda x: tf.argsort(x, 1),
        take_along_axis=lambda x, i: tf.gather(x, i, batch_dims=1),
        searchsorted=searchsorted, minimum=tf.minimum,
        any=lambda x, axis: tf.reduce_any(x, axis), log=tf.math.log, exp=tf.exp,
    )  # fmt: skip
    return _formulas(ns)


def pml() -> dict:
    import torch
    from pytorch_metric_learning import losses, miners

    miner = miners.TripletMarginMiner(margin=MARGIN, type_of_triplets="semihard")
    triplet = losses.TripletMarginLoss(margin=MARGIN)
    supcon = losses.SupConLoss(temperature=TEMPERATURE)
    return {
        "TripletSemiHard": lambda t, x: triplet(x, t.long(), miner(x, t.long())),
        "SupervisedContrastive": lambda t, x: supcon(x, t.long()),
        "torch": torch,
    }


def make_inputs(n: int):
    import numpy as np

    rng = np.random.default_rng(0)
    labels = rng.permutation(np.arange(n) // GROUP).astype("int32")
    return labels, rng.normal(0, 1, (n, D)).astype("float32")


def child(backend: str, mode: str) -> list[dict]:
    os.environ["KERAS_BACKEND"] = backend
    import torch  # noqa: F401  (before tensorflow)

    import keras_losses as kl

    to_backend, grad_step, sync = harness._harness(backend)
    if mode == "time":
        harness.keep_freed_memory()
    theirs = native(backend)
    others = pml() if backend == "torch" else {}
    ours = {"TripletSemiHard": kl.TripletSemiHard(margin=MARGIN), "SupervisedContrastive": kl.SupervisedContrastive()}
    rows = []
    for loss in LOSSES:
        for n in SIZES:
            labels, x = make_inputs(n)
            inputs = (to_backend(labels), (to_backend(x),))
            implementations = {"keras_losses": lambda t, p, f=ours[loss]: f(t, p), "native": theirs[loss]}
            if loss in others:
                implementations["pml"] = others[loss]
            row = {"backend": backend, "loss": loss, "n": n}
            if mode == "memory":
                for name, function in implementations.items():
                    step, memory = grad_step(function, inputs[0], inputs[1])
                    if backend == "tensorflow":
                        sync(step())  # compile outside the measured pass
                    row[name] = {"bytes": memory if memory is not None else harness.peak_bytes(step, sync)}
            else:
                steps = {name: grad_step(function, *inputs)[0] for name, function in implementations.items()}
                for step in steps.values():
                    sync(step())
                # A pass at N = 4096 takes seconds (PML's semi-hard tens): fewer rounds there.
                seconds = harness.interleaved_medians(steps, sync, rounds=5 if n < 4096 else 3, round_s=0.5)
                row.update({name: {"seconds": value} for name, value in seconds.items()})
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def _scaling(rows: list[dict], backend: str, loss: str, name: str) -> float | None:
    """Time at the largest N over time at the smallest (N² alone would give 16)."""
    by_n = {r["n"]: r for r in rows if r["backend"] == backend and r["loss"] == loss and name in r}
    if SIZES[0] not in by_n or SIZES[-1] not in by_n:
        return None
    return by_n[SIZES[-1]][name]["seconds"] / by_n[SIZES[0]][name]["seconds"]


def _child_arguments(backend: str, mode: str) -> list[str]:
    return [__file__, "--child", backend, mode]


def write_section(rows: list[dict], path: pathlib.Path) -> None:
    fmt, ratio = harness._fmt, harness._ratio

    def ms(row, name):
        return f"{row[name]['seconds'] * 1e3:.0f}" if name in row else "—"

    lines = [
        BEGIN,
        "## Embedding: semi-hard triplet mining and supervised contrastive, against the formula and PML",
        "",
        f"Measured {datetime.date.today().isoformat()} on {harness.machine_description()} with"
        f" `bash benchmarks/run.sh --embedding`: forward+backward of the batch loss on `(N, {D})` float32"
        f" embeddings, labels in groups of {GROUP}. Native: the same formula written in `jax.numpy` (jit),"
        " `tf` (XLA) and `torch` (eager), semi-hard mining by a batched `searchsorted` in the row-sorted"
        " negative distances (`jnp.searchsorted` under `vmap`, `torch.searchsorted`, a binary search of"
        " `tf.gather` on TensorFlow);"
        " PML 2.9 on torch (eager):"
        ' `TripletMarginLoss` + `TripletMarginMiner(type_of_triplets="semihard")`, and `SupConLoss`.'
        " Time: the median within a round of the quietest of 5 interleaved rounds (3 at N = 4096). Memory:"
        " peak of one pass"
        " (XLA's buffer account on JAX, resident set on torch and TensorFlow). Target: ≤1.2× native.",
        "",
        "| loss | N | backend | time vs native | time vs PML | memory vs native | memory vs PML"
        " | ours (ms) | native (ms) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['loss']} | {row['n']:,} | {row['backend']} "
            f"| {fmt(ratio(row, 'keras_losses', 'native', 'seconds'))} "
            f"| {fmt(ratio(row, 'keras_losses', 'pml', 'seconds'))} "
            f"| {fmt(ratio(row, 'keras_losses', 'native', 'bytes'))} "
            f"| {fmt(ratio(row, 'keras_losses', 'pml', 'bytes'))} "
            f"| {ms(row, 'keras_losses')} | {ms(row, 'native')} |"
        )
    lines += ["", f"How time grows from N = {SIZES[0]:,} to {SIZES[-1]:,} (4× the embeddings, 16× the pairs):", ""]
    for loss in LOSSES:
        for backend in harness.BACKENDS:
            cells = []
            for name, label in (("keras_losses", "ours"), ("native", "native"), ("pml", "PML")):
                value = _scaling(rows, backend, loss, name)
                if value is not None:
                    cells.append(f"{label} {value:.1f}×")
            if cells:
                lines.append(f"- {loss}, {backend}: " + ", ".join(cells) + ".")
    lines += ["", NOTES, END]
    harness.replace_section(path, lines)


NOTES = (
    "PML's semi-hard triplet loss is not the same loss (see `benchmarks/embedding.py`): it enumerates every"
    " (anchor, positive, negative) triplet, `N·(K−1)·(N−K)` of them, and keeps those within the margin;"
    " its row compares cost, not values. PML's `SupConLoss` computes our value. Memory of every row is a"
    " small constant times N² floats (the distance or similarity matrix, its masks, and for the mining the"
    " sorted rows and their order)."
)


def main(output: pathlib.Path = HERE / "RESULTS.md", backends=harness.BACKENDS) -> None:
    rows = harness.measure(_child_arguments, backends)
    write_section(rows, output)
    print(f"wrote {output}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
    else:
        main()
