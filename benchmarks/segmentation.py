"""Segmentation losses: forward+backward time and peak memory against each framework's own formulation.

    bash benchmarks/run.sh --segmentation   # every backend; writes its section of benchmarks/RESULTS.md

Native: segmentation_models_pytorch's ``DiceLoss``/``LovaszLoss`` on torch (eager,
on channels-first tensors, its layout), and the same formulas written in
``jax.numpy`` (jit) and ``tf`` (XLA) on JAX and TensorFlow; Keras's ``Dice`` where
it computes the same number (binary probabilities). Ours runs on channels-last
tensors, the Keras layout. Timing and memory as in ``benchmarks/run.py``; fewer
rounds, since one pass at these sizes takes tenths of a second.
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

EPS = 1e-7
# label -> (kind, shape (N, H, W, C))
CASES = {
    "Dice, multiclass from logits": ("dice_multiclass", (8, 256, 256, 21)),
    "Dice, binary probabilities": ("dice_binary", (8, 256, 256, 1)),
    "Lovász-Softmax from logits, 64×64": ("lovasz", (8, 64, 64, 21)),
    "Lovász-Softmax from logits, 128×128": ("lovasz", (8, 128, 128, 21)),
}
BEGIN, END = "<!-- segmentation -->", "<!-- /segmentation -->"


def _formulas(ns):
    """The losses written directly in a framework's array ops (``ns``): smp's semantics."""

    def dice_from_statistics(p, t, axes):
        p_sum, t_sum = ns.sum(p, axes), ns.sum(t, axes)
        tp = (p_sum + t_sum - ns.sum(ns.abs(p - t), axes)) / 2
        score = tp / ns.maximum(tp + 0.5 * (p_sum - tp) + 0.5 * (t_sum - tp), EPS)
        return ns.mean((1.0 - score) * ns.cast(t_sum > 0, p.dtype))

    def dice_multiclass(labels, logits):
        return dice_from_statistics(ns.softmax(logits), ns.one_hot(labels, logits.shape[-1]), (0, 1, 2))

    def dice_binary(t, p):
        return dice_from_statistics(p, t, (0, 1, 2, 3))

    def lovasz(labels, logits):
        classes = logits.shape[-1]
        p = ns.transpose(ns.reshape(ns.softmax(logits), (-1, classes)))  # (C, P)
        fg = ns.transpose(ns.one_hot(ns.reshape(labels, (-1,)), classes))
        errors = ns.abs(fg - p)
        order = ns.argsort(-ns.stop_gradient(errors))
        sorted_errors, sorted_fg = ns.take_along_axis(errors, order), ns.take_along_axis(fg, order)
        total = ns.sum(fg, 1, keepdims=True)
        curve = 1.0 - (total - ns.cumsum(sorted_fg)) / (total + ns.cumsum(1.0 - sorted_fg))
        weight = ns.concat([curve[:, :1], curve[:, 1:] - curve[:, :-1]])
        present = ns.cast(ns.sum(fg, 1) > 0, p.dtype)
        return ns.sum(ns.sum(sorted_errors * weight, 1) * present) / ns.maximum(ns.sum(present), 1.0)

    return {"dice_multiclass": dice_multiclass, "dice_binary": dice_binary, "lovasz": lovasz}


def native(backend: str) -> dict:
    if backend == "torch":
        import torch

        sys.path.insert(0, str(HERE.parent))
        from tests.smp import smp_losses

        losses = smp_losses()
        dice_mc = losses.DiceLoss("multiclass", from_logits=True)
        dice_bin = losses.DiceLoss("binary", from_logits=False)
        lovasz = losses.LovaszLoss("multiclass")
        return {  # channels first, smp's layout
            "dice_multiclass": lambda t, p: dice_mc(p, t.long()),
            "dice_binary": lambda t, p: dice_bin(p, t),
            "lovasz": lambda t, p: lovasz(p, t.long()),
            "channels_first": True,
            "torch": torch,
        }
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        ns = Namespace(
            sum=jnp.sum, abs=jnp.abs, maximum=jnp.maximum, mean=jnp.mean, cast=lambda x, d: x.astype(d),
            softmax=jax.nn.softmax, one_hot=lambda x, c: jax.nn.one_hot(x, c), transpose=jnp.transpose,
            reshape=jnp.reshape, argsort=lambda x: jnp.argsort(x, axis=-1), stop_gradient=jax.lax.stop_gradient,
            take_along_axis=lambda x, i: jnp.take_along_axis(x, i, axis=-1),
            cumsum=lambda x: jnp.cumsum(x, axis=-1), concat=lambda xs: jnp.concatenate(xs, axis=-1),
        )  # fmt: skip
        return _formulas(ns)
    import tensorflow as tf

    ns = Namespace(
        sum=lambda x, axis=None, keepdims=False: tf.reduce_sum(x, axis, keepdims=keepdims), abs=tf.abs,
        maximum=tf.maximum, mean=tf.reduce_mean, cast=tf.cast, softmax=tf.nn.softmax,
        one_hot=lambda x, c: tf.one_hot(x, c), transpose=tf.transpose, reshape=tf.reshape,
        argsort=lambda x: tf.argsort(x, axis=-1), stop_gradient=tf.stop_gradient,
        take_along_axis=lambda x, i: tf.gather(x, i, batch_dims=1), cumsum=lambda x: tf.cumsum(x, axis=-1),
        concat=lambda xs: tf.concat(xs, axis=-1),
    )  # fmt: skip
    return _formulas(ns)


def make_inputs(kind: str, shape: tuple):
    import numpy as np

    rng = np.random.default_rng(0)
    if kind == "dice_binary":
        return (rng.random(shape) > 0.7).astype("float32"), rng.uniform(0.02, 0.98, shape).astype("float32")
    return rng.integers(0, shape[-1], shape[:-1]).astype("int32"), rng.normal(0, 2, shape).astype("float32")


def child(backend: str, mode: str) -> list[dict]:
    os.environ["KERAS_BACKEND"] = backend
    import keras
    import numpy as np
    import torch  # noqa: F401  (before tensorflow)

    import keras_losses as kl

    to_backend, grad_step, sync = harness._harness(backend)
    if mode == "time":
        harness.keep_freed_memory()
    theirs = native(backend)
    ours = {
        "dice_multiclass": kl.Dice(mode="multiclass", from_logits=True),
        "dice_binary": kl.Dice(),
        "lovasz": kl.Lovasz(mode="multiclass", from_logits=True),
    }
    rows = []
    for label, (kind, shape) in CASES.items():
        y_true, y_pred = make_inputs(kind, shape)
        channels_last = (to_backend(y_true), (to_backend(y_pred),))
        native_inputs = channels_last
        if theirs.get("channels_first"):
            t = np.ascontiguousarray(np.moveaxis(y_true, -1, 1)) if kind == "dice_binary" else y_true
            native_inputs = (to_backend(t), (to_backend(np.ascontiguousarray(np.moveaxis(y_pred, -1, 1))),))
        implementations = {
            "keras_losses": (lambda t, p, loss=ours[kind]: loss(t, p), channels_last),
            "native": (theirs[kind], native_inputs),
        }
        if kind == "dice_binary":  # Keras's Dice: the same number on 0/1 targets (it adds eps, we clamp)
            implementations["keras"] = (keras.losses.Dice().__call__, channels_last)
        row = {"backend": backend, "loss": label, "shape": shape}
        if mode == "memory":
            for name, (function, (t, ps)) in implementations.items():
                step, memory = grad_step(function, t, ps)
                row[name] = {"bytes": memory if memory is not None else harness.peak_bytes(step, sync)}
        else:
            steps = {name: grad_step(function, t, ps)[0] for name, (function, (t, ps)) in implementations.items()}
            for step in steps.values():
                sync(step())
            seconds = harness.interleaved_medians(steps, sync, rounds=5, round_s=0.5)
            row.update({name: {"seconds": value} for name, value in seconds.items()})
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def _child_arguments(backend: str, mode: str) -> list[str]:
    return [__file__, "--child", backend, mode]


def write_section(rows: list[dict], path: pathlib.Path) -> None:
    fmt, ratio = harness._fmt, harness._ratio
    lines = [
        BEGIN,
        "## Segmentation: against smp, the formula in each framework, and Keras's `Dice`",
        "",
        f"Measured {datetime.date.today().isoformat()} on {harness.machine_description()} with"
        " `bash benchmarks/run.sh --segmentation`: forward+backward of the default (batch-pooled) loss;"
        " native is smp 0.6 on torch (eager, channels first) and the same formula in `jax.numpy` (jit) and"
        " `tf` (XLA). Time: the median within a round of the quietest of 5 interleaved rounds. Memory: peak"
        " of one pass (XLA's buffer account on JAX, resident set on torch and TensorFlow). Targets: ≤1.1×"
        " the native formula on TF and JAX, ≤1.2× smp on torch.",
        "",
        "| loss | shape (N, H, W, C) | backend | time vs native | time vs Keras | memory vs native | ours (ms) |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        keras_ratio = fmt(ratio(row, "keras_losses", "keras", "seconds")) if "keras" in row else "—"
        lines.append(
            f"| {row['loss']} | {tuple(row['shape'])} | {row['backend']} "
            f"| {fmt(ratio(row, 'keras_losses', 'native', 'seconds'))} | {keras_ratio} "
            f"| {fmt(ratio(row, 'keras_losses', 'native', 'bytes'))} | {row['keras_losses']['seconds'] * 1e3:.0f} |"
        )
    lines += ["", NOTES, END]
    harness.replace_section(path, lines)


NOTES = (
    "Lovász's cost is one sort per class of the pooled positions, `O(C · P log P)` for `P = N·H·W`: the two"
    " Lovász rows (4× the positions) show how it grows. smp sorts class by class in a Python loop; ours"
    " sorts every class at once."
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
