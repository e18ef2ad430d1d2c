"""Forward+backward time and peak memory of each loss against the native loss and Keras's own.

    bash benchmarks/run.sh                # every backend, writes benchmarks/RESULTS.md
    bash benchmarks/run.sh --quick        # smaller sizes, fewer repeats (a smoke test)
    bash benchmarks/run.sh --dropins      # only the Keras drop-in section: each class named as one
                                          # in keras.losses against Keras's own, at 2M elements
    bash benchmarks/run.sh --segmentation # only the segmentation section (benchmarks/segmentation.py)
    bash benchmarks/run.sh --sequence     # only the sequence section (benchmarks/sequence.py)
    bash benchmarks/run.sh --embedding    # only the embedding section (benchmarks/embedding.py)

One child process per backend (``KERAS_BACKEND`` is fixed at import) measures
every loss at every size; the parent merges their JSON into a Markdown table of
ratios. "Native" is the framework's own formulation: ``torch.nn.functional``
(eager) on torch, ``jax.numpy``/optax under ``jax.jit`` on JAX, and ``tf`` ops
under ``tf.function(jit_compile=True)`` on TensorFlow; keras_losses and Keras's
built-ins run the same way (eager torch, jitted JAX, XLA-compiled TF).

Time is the median within a round, of the quietest of 9 interleaved rounds
(the implementations take turns, so the machine's drift is shared). Peak memory on JAX is XLA's own account of the
buffers one compiled call allocates (temporaries and outputs); on torch and
TensorFlow it is the rise of the process's resident set during one pass
(Linux: ``VmHWM`` after resetting it through ``/proc/self/clear_refs``),
measured in a separate child in which glibc returns every freed block over
64 KiB to the system, so each pass starts clean. The timing child keeps freed
memory for reuse, as a training loop's steady state does.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).parent
BACKENDS = ("tensorflow", "jax", "torch")
SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
QUICK_SIZES = (10_000, 1_000_000)
FEATURES = 16  # inputs are (size / 16, 16)
EPS = 1e-7
LOG2 = math.log(2.0)

# keras_losses class name -> (options, input kind, Keras built-in class name or None)
LOSSES = {
    "MeanSquaredError": ({}, "real", "MeanSquaredError"),
    "MeanAbsoluteError": ({}, "real", "MeanAbsoluteError"),
    "MeanAbsolutePercentageError": ({}, "real", "MeanAbsolutePercentageError"),
    "MeanSquaredLogarithmicError": ({}, "positive", "MeanSquaredLogarithmicError"),
    "L1Norm": ({}, "real", None),
    "L2Norm": ({}, "real", None),
    "Huber": ({"delta": 1.0}, "real", "Huber"),
    "SmoothL1": ({"beta": 1.0}, "real", None),
    "LogCosh": ({}, "real", "LogCosh"),
    "Poisson": ({}, "positive", "Poisson"),
    "PoissonNLL": ({}, "real", None),
    "GaussianNLL": ({}, "gaussian", None),
    "CosineSimilarity": ({}, "real", "CosineSimilarity"),
    "Pinball": ({"tau": 0.9}, "real", None),
    "MeanPairwiseSquaredError": ({}, "real", None),
    "AdaptiveRobust": ({"alpha": 1.0, "scale": 1.0}, "real", None),
}
# Classification: (options, input kind, Keras class, Keras options, shapes or None for SIZES).
# Large vocabularies: N = 8192 tokens, V = 32k and 128k classes (a language model's output layer).
LARGE_VOCAB = ((8192, 32768), (8192, 131072))
QUICK_LARGE_VOCAB = ((1024, 32768),)
FOCAL = {"gamma": 2.0, "alpha": 0.25, "from_logits": True}
CLASSIFICATION = {
    "SparseCategoricalCrossentropy": ({"from_logits": True}, "labels", "SparseCategoricalCrossentropy", {}, "vocab"),
    "BinaryCrossentropy": ({"from_logits": True}, "binary", "BinaryCrossentropy", {}, None),
    "BinaryFocalCrossentropy": (FOCAL, "binary", "BinaryFocalCrossentropy", {"apply_class_balancing": True}, None),
}


# Keras drop-ins: every class that shares its name with one in keras.losses, against Keras's own,
# default options as a drop-in user calls them (and from logits for the cross-entropies).
# label -> (our class, our options, Keras class, Keras options, input kind)
DROPIN_SIZE = 2_000_000
DROPINS = {
    "MeanSquaredError": ("MeanSquaredError", {}, "MeanSquaredError", {}, "real"),
    "MeanAbsoluteError": ("MeanAbsoluteError", {}, "MeanAbsoluteError", {}, "real"),
    "MeanAbsolutePercentageError": ("MeanAbsolutePercentageError", {}, "MeanAbsolutePercentageError", {}, "real"),
    "MeanSquaredLogarithmicError": ("MeanSquaredLogarithmicError", {}, "MeanSquaredLogarithmicError", {}, "positive"),
    "CosineSimilarity": ("CosineSimilarity", {}, "CosineSimilarity", {}, "real"),
    "Huber": ("Huber", {}, "Huber", {}, "real"),
    "SmoothL1 (vs Keras Huber)": ("SmoothL1", {"beta": 1.0}, "Huber", {"delta": 1.0}, "real"),
    "LogCosh": ("LogCosh", {}, "LogCosh", {}, "real"),
    "Hinge": ("Hinge", {}, "Hinge", {}, "signs"),
    "SquaredHinge": ("SquaredHinge", {}, "SquaredHinge", {}, "signs"),
    "CategoricalHinge": ("CategoricalHinge", {}, "CategoricalHinge", {}, "onehot_logits"),
    "KLDivergence": ("KLDivergence", {}, "KLDivergence", {}, "distributions"),
    "Poisson": ("Poisson", {}, "Poisson", {}, "positive"),
    "BinaryCrossentropy": ("BinaryCrossentropy", {}, "BinaryCrossentropy", {}, "binary_probs"),
    "BinaryCrossentropy (logits)": (
        "BinaryCrossentropy",
        {"from_logits": True},
        "BinaryCrossentropy",
        {"from_logits": True},
        "binary",
    ),
    "BinaryFocalCrossentropy": ("BinaryFocalCrossentropy", {}, "BinaryFocalCrossentropy", {}, "binary_probs"),
    "BinaryFocalCrossentropy (logits)": (
        "BinaryFocalCrossentropy",
        {"from_logits": True},
        "BinaryFocalCrossentropy",
        {"from_logits": True},
        "binary",
    ),
    "CategoricalCrossentropy": ("CategoricalCrossentropy", {}, "CategoricalCrossentropy", {}, "onehot_probs"),
    "CategoricalCrossentropy (logits)": (
        "CategoricalCrossentropy",
        {"from_logits": True},
        "CategoricalCrossentropy",
        {"from_logits": True},
        "onehot_logits",
    ),
    "CategoricalFocalCrossentropy": (
        "CategoricalFocalCrossentropy",
        {},
        "CategoricalFocalCrossentropy",
        {},
        "onehot_probs",
    ),
    "SparseCategoricalCrossentropy": (
        "SparseCategoricalCrossentropy",
        {},
        "SparseCategoricalCrossentropy",
        {},
        "labels_probs",
    ),
    "SparseCategoricalCrossentropy (logits)": (
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        "labels",
    ),
}


# --- native formulations, written once over a small array namespace ------------------------------


def native_losses(ns):
    """Each native loss as ``f(y_true, *preds) -> scalar`` with the default (mean) reduction."""
    m = ns.mean
    return {
        "MeanSquaredError": lambda t, p: m(ns.square(p - t)),
        "MeanAbsoluteError": lambda t, p: m(ns.abs(p - t)),
        "MeanAbsolutePercentageError": lambda t, p: 100.0 * m(ns.abs(t - p) / ns.maximum(ns.abs(t), EPS)),
        "MeanSquaredLogarithmicError": lambda t, p: m(
            ns.square(ns.log1p(ns.maximum(p, EPS)) - ns.log1p(ns.maximum(t, EPS)))
        ),
        "L1Norm": lambda t, p: m(ns.sum(ns.abs(p - t), -1)),
        "L2Norm": lambda t, p: m(ns.sqrt(ns.sum(ns.square(p - t), -1))),
        "Huber": lambda t, p: m(_huber(ns, ns.abs(p - t), 1.0)),
        "SmoothL1": lambda t, p: m(_huber(ns, ns.abs(p - t), 1.0)),
        "LogCosh": lambda t, p: m(ns.abs(p - t) + ns.softplus(-2.0 * ns.abs(p - t)) - LOG2),
        "Poisson": lambda t, p: m(p - t * ns.log(p + EPS)),
        "PoissonNLL": lambda t, p: m(ns.exp(p) - t * p),
        "GaussianNLL": lambda t, mean, var: m(
            0.5 * (ns.log(ns.maximum(var, 1e-6)) + ns.square(mean - t) / ns.maximum(var, 1e-6))
        ),
        "CosineSimilarity": lambda t, p: -m(ns.sum(t * p, -1) / ns.sqrt(ns.sum(t * t, -1) * ns.sum(p * p, -1) + EPS)),
        "Pinball": lambda t, p: m(ns.maximum(0.9 * (t - p), -0.1 * (t - p))),
        "MeanPairwiseSquaredError": lambda t, p: m(
            ns.sum(ns.square((p - t) - ns.mean((p - t), -1, keepdims=True)), -1) * (2.0 / (FEATURES - 1))
        ),
        "AdaptiveRobust": lambda t, p: m(ns.sqrt(ns.square(p - t) + 1.0) - 1.0),  # alpha = 1
    }


def _focal(ns, t, x):
    """torchvision's / optax's sigmoid focal loss (gamma 2, alpha 0.25), mean over elements."""
    p = ns.sigmoid(x)
    ce = ns.softplus(x) - x * t
    p_t = p * t + (1 - p) * (1 - t)
    return ns.mean(ce * ns.square(1 - p_t) * (0.25 * t + 0.75 * (1 - t)))


def _huber(ns, e, delta):
    q = ns.minimum(e, delta)
    return q * (e - 0.5 * q)


class Namespace:
    def __init__(self, **functions):
        self.__dict__.update(functions)


def torch_native():
    import torch
    import torch.nn.functional as F

    ns = Namespace(
        mean=lambda x, axis=None, keepdims=False: x.mean() if axis is None else x.mean(axis, keepdim=keepdims),
        sum=lambda x, axis: x.sum(axis),
        abs=torch.abs,
        square=torch.square,
        sqrt=torch.sqrt,
        log=torch.log,
        log1p=torch.log1p,
        exp=torch.exp,
        maximum=lambda x, c: torch.clamp_min(x, c) if isinstance(c, float) else torch.maximum(x, c),
        minimum=lambda x, c: torch.clamp_max(x, c),
        softplus=F.softplus,
        sigmoid=torch.sigmoid,
    )
    losses = native_losses(ns)
    losses.update(
        SparseCategoricalCrossentropy=lambda t, p: F.cross_entropy(p, t.long()),
        BinaryCrossentropy=lambda t, p: F.binary_cross_entropy_with_logits(p, t),
        BinaryFocalCrossentropy=lambda t, p: _focal(ns, t, p),
    )
    # PyTorch's own fused losses where it has them: the speed to beat.
    losses.update(
        MeanSquaredError=lambda t, p: F.mse_loss(p, t),
        MeanAbsoluteError=lambda t, p: F.l1_loss(p, t),
        Huber=lambda t, p: F.huber_loss(p, t, delta=1.0),
        SmoothL1=lambda t, p: F.smooth_l1_loss(p, t, beta=1.0),
        PoissonNLL=lambda t, p: F.poisson_nll_loss(p, t),
        GaussianNLL=lambda t, mean, var: F.gaussian_nll_loss(mean, t, var),
        CosineSimilarity=lambda t, p: -F.cosine_similarity(t, p, dim=-1).mean(),
        L2Norm=lambda t, p: torch.linalg.vector_norm(p - t, dim=-1).mean(),
    )
    return losses


def jax_native():
    import jax
    import jax.numpy as jnp
    import optax

    ns = Namespace(
        mean=jnp.mean,
        sum=jnp.sum,
        abs=jnp.abs,
        square=jnp.square,
        sqrt=jnp.sqrt,
        log=jnp.log,
        log1p=jnp.log1p,
        exp=jnp.exp,
        maximum=jnp.maximum,
        minimum=jnp.minimum,
        softplus=jax.nn.softplus,
        sigmoid=jax.nn.sigmoid,
    )
    losses = native_losses(ns)
    losses.update(  # optax's where it has them
        SparseCategoricalCrossentropy=lambda t, p: jnp.mean(
            optax.losses.softmax_cross_entropy_with_integer_labels(p, t)
        ),
        BinaryCrossentropy=lambda t, p: jnp.mean(optax.losses.sigmoid_binary_cross_entropy(p, t)),
        BinaryFocalCrossentropy=lambda t, p: jnp.mean(optax.losses.sigmoid_focal_loss(p, t, alpha=0.25, gamma=2.0)),
        Huber=lambda t, p: jnp.mean(optax.losses.huber_loss(p, t, delta=1.0)),
        LogCosh=lambda t, p: jnp.mean(optax.losses.log_cosh(p, t)),
        CosineSimilarity=lambda t, p: -jnp.mean(optax.losses.cosine_similarity(p, t, epsilon=EPS)),
    )
    return losses


def tf_native():
    import tensorflow as tf

    ns = Namespace(
        mean=lambda x, axis=None, keepdims=False: tf.reduce_mean(x, axis, keepdims=keepdims),
        sum=lambda x, axis: tf.reduce_sum(x, axis),
        abs=tf.abs,
        square=tf.square,
        sqrt=tf.sqrt,
        log=tf.math.log,
        log1p=tf.math.log1p,
        exp=tf.exp,
        maximum=tf.maximum,
        minimum=tf.minimum,
        softplus=tf.nn.softplus,
        sigmoid=tf.sigmoid,
    )
    losses = native_losses(ns)
    losses.update(
        SparseCategoricalCrossentropy=lambda t, p: tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(t, p)),
        BinaryCrossentropy=lambda t, p: tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(t, p)),
        BinaryFocalCrossentropy=lambda t, p: _focal(ns, t, p),
    )
    return losses


# --- measurement ---------------------------------------------------------------------------------


def peak_rss_reset() -> int:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current resident set
    return _status("VmRSS")


def _status(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def keep_freed_memory() -> None:
    """For timing: glibc keeps freed memory for reuse, as in a training loop's steady state."""
    import ctypes

    libc = ctypes.CDLL("libc.so.6")
    libc.mallopt(ctypes.c_int(-3), ctypes.c_int(1 << 30))  # M_MMAP_THRESHOLD
    libc.mallopt(ctypes.c_int(-1), ctypes.c_int(1 << 30))  # M_TRIM_THRESHOLD


def peak_bytes(step, sync) -> int:
    """Peak extra resident bytes of one forward+backward pass (run with MEMORY_ENV)."""
    before = peak_rss_reset()
    sync(step())
    return max(0, _status("VmHWM") - before)


# For the memory child: glibc returns every freed block over 64 KiB to the system, so
# each pass starts from a clean resident set and its own peak shows.
MEMORY_ENV = {"MALLOC_MMAP_THRESHOLD_": "65536", "MALLOC_TRIM_THRESHOLD_": "131072"}


def interleaved_medians(steps: dict, sync, rounds: int, round_s: float) -> dict[str, float]:
    """Seconds per step: the median within a round, the best round; implementations take turns.

    Taking turns spreads the machine's drift and its neighbours' noise over all
    implementations alike, instead of charging it to whichever ran at the time.
    """
    repeats = {}
    for label, step in steps.items():
        t0 = time.perf_counter()
        sync(step())
        repeats[label] = max(1, int(round_s / max(time.perf_counter() - t0, 1e-6)))
    round_medians: dict[str, list[float]] = {label: [] for label in steps}
    labels = list(steps)
    for r in range(rounds):
        for label in labels[r % len(labels) :] + labels[: r % len(labels)]:
            times = []
            for _ in range(repeats[label]):
                t0 = time.perf_counter()
                sync(steps[label]())
                times.append(time.perf_counter() - t0)
            round_medians[label].append(statistics.median(times))
    # The quietest round: bursts from the machine's neighbours only ever add time.
    return {label: min(values) for label, values in round_medians.items()}


def make_inputs(kind: str, size, seed: int = 0):
    import numpy as np

    rng = np.random.default_rng(seed)
    if not isinstance(size, tuple) and kind in ("labels", "labels_probs"):
        size = (size // FEATURES, FEATURES)  # FEATURES classes
    if kind in ("labels", "labels_probs"):  # size is (tokens, classes): integer labels and logits
        tokens, classes = size
        logits = rng.standard_normal((tokens, classes), dtype="float32")
        if kind == "labels_probs":
            logits = _softmax(logits)
        return rng.integers(0, classes, tokens).astype("int32"), (logits,)
    shape = (size // FEATURES, FEATURES)
    if kind == "signs":
        return rng.choice(np.array([-1.0, 1.0], "float32"), shape), (rng.normal(size=shape).astype("float32"),)
    if kind == "binary_probs":
        return rng.integers(0, 2, shape).astype("float32"), (rng.uniform(0.02, 0.98, shape).astype("float32"),)
    if kind in ("onehot_probs", "onehot_logits"):
        onehot = np.eye(FEATURES, dtype="float32")[rng.integers(0, FEATURES, shape[0])]
        logits = rng.normal(size=shape).astype("float32")
        return onehot, (_softmax(logits) if kind == "onehot_probs" else logits,)
    if kind == "distributions":
        return _softmax(rng.normal(size=shape).astype("float32")), (_softmax(rng.normal(size=shape).astype("float32")),)
    if kind == "binary":
        return rng.integers(0, 2, shape).astype("float32"), (rng.normal(0, 2, shape).astype("float32"),)
    if kind == "positive":
        return rng.uniform(0, 3, shape).astype("float32"), (rng.uniform(0.1, 3, shape).astype("float32"),)
    if kind == "gaussian":
        return rng.normal(size=shape).astype("float32"), (
            rng.normal(size=shape).astype("float32"),
            rng.uniform(0.1, 2, shape).astype("float32"),
        )
    return rng.normal(size=shape).astype("float32"), (rng.normal(size=shape).astype("float32"),)


def _softmax(x):
    import numpy as np

    e = np.exp(x - x.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype("float32")


def dropin_child(backend: str, rounds: int, round_s: float) -> list[dict]:
    """Every Keras drop-in against Keras's own loss at DROPIN_SIZE, with an A/A row (Keras against itself)."""
    os.environ["KERAS_BACKEND"] = backend
    import keras
    import torch  # noqa: F401  (before tensorflow, if both load)

    import keras_losses

    to_backend, grad_step, sync = _harness(backend)
    keep_freed_memory()
    rows = []
    only = os.environ.get("BENCH_ONLY")
    for label, (ours_name, ours_options, keras_name, keras_options, kind) in DROPINS.items():
        if only and label not in only.split(","):
            continue
        ours = getattr(keras_losses, ours_name)(**ours_options)
        theirs = getattr(keras.losses, keras_name)(**keras_options)
        implementations = {
            "keras_losses": lambda t, p, loss=ours: loss(t, p),
            "keras": lambda t, p, loss=theirs: loss(t, p),
        }
        if label == "MeanSquaredError":  # A/A control: Keras's loss against a second instance of itself
            again = keras.losses.MeanSquaredError()
            implementations["keras_again"] = lambda t, p, loss=again: loss(t, p)
        y_true, preds = make_inputs(kind, DROPIN_SIZE)
        y_true, preds = to_backend(y_true), tuple(to_backend(p) for p in preds)
        steps = {name: grad_step(function, y_true, preds)[0] for name, function in implementations.items()}
        for step in steps.values():
            sync(step())
            sync(step())
        seconds = interleaved_medians(steps, sync, rounds, round_s)
        row = {"backend": backend, "loss": label, "size": DROPIN_SIZE}
        row.update({name: {"seconds": seconds[name]} for name in implementations})
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


DROPIN_BEGIN, DROPIN_END = "<!-- dropins -->", "<!-- /dropins -->"
#: Sections of RESULTS.md written by their own command (``--dropins``, ``--segmentation``, ``--embedding``,
#: ``--sequence``), which a full run keeps.
KEPT_SECTIONS = (
    (DROPIN_BEGIN, DROPIN_END),
    ("<!-- segmentation -->", "<!-- /segmentation -->"),
    ("<!-- embedding -->", "<!-- /embedding -->"),
    ("<!-- sequence -->", "<!-- /sequence -->"),
)


def write_dropin_section(rows: list[dict], path: pathlib.Path) -> None:
    """Write (or replace) the Keras drop-in section of RESULTS.md, keeping the rest of the file."""
    lines = [
        DROPIN_BEGIN,
        "## Keras drop-ins: each class named as one in `keras.losses`, against Keras's own",
        "",
        f"Measured {datetime.date.today().isoformat()} on {machine_description()}, with"
        " `bash benchmarks/run.sh --dropins`: forward+backward of the mean-reduced loss at"
        f" {DROPIN_SIZE:,} elements (`({DROPIN_SIZE // FEATURES:,}, {FEATURES})`), the two (three with the"
        " A/A control) taking turns in one process, the median within a round of the quietest of 9 rounds;"
        " torch eager, JAX jit, TensorFlow XLA. Target: ≤1.05× Keras on every backend.",
        "",
        "| loss | " + " | ".join(f"{b} vs Keras" for b in BACKENDS) + " |",
        "|---|" + "---:|" * len(BACKENDS),
    ]
    by_loss: dict[str, dict[str, dict]] = {}
    for row in rows:
        by_loss.setdefault(row["loss"], {})[row["backend"]] = row
    aa = by_loss.get("MeanSquaredError", {})
    lines.append(
        "| A/A control (Keras MSE against itself) | "
        + " | ".join(_fmt(_ratio(aa[b], "keras_again", "keras", "seconds")) if b in aa else "—" for b in BACKENDS)
        + " |"
    )
    for loss, per_backend in by_loss.items():
        cells = [
            _fmt(_ratio(per_backend[b], "keras_losses", "keras", "seconds")) if b in per_backend else "—"
            for b in BACKENDS
        ]
        lines.append(f"| {loss} | " + " | ".join(cells) + " |")
    lines += ["", DROPIN_NOTES, DROPIN_END]
    replace_section(path, lines)


#: Markers of the sections other modules write (benchmarks/segmentation.py, benchmarks/sequence.py).
def replace_section(path: pathlib.Path, lines: list[str]) -> None:
    """Write ``lines`` (a marked section: first and last line are its markers) into RESULTS.md,
    replacing the section between the same markers, or appending it; the rest stays."""
    begin, end = lines[0], lines[-1]
    text = path.read_text() if path.exists() else ""
    if begin in text:
        before, rest = text.split(begin, 1)
        text = before + "\n".join(lines) + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    path.write_text(text)


DROPIN_NOTES = (
    "Ratios within the A/A control's spread of 1.0 are noise. The one loss above 1.05× by more than"
    " that, `CategoricalCrossentropy(from_logits=True)` on TensorFlow, pays for a correct gradient:"
    " Keras's fused `softmax_cross_entropy_with_logits` returns `softmax(x) - y` as the gradient, which"
    " is right only where a row of `y_true` sums to 1 (an all-zero padding row gets `softmax(x)`, a"
    " multi-hot or class-weighted row a wrong scale); the true gradient, `sum(y) * softmax(x) - y`, needs"
    " the row sums of `y_true`, one more reduction. Measured alternatives (the fused op on `y / sum(y)`"
    " rescaled, the fused op plus a zero-valued correction term, a hand-written custom gradient) were"
    " no faster."
)


def child(backend: str, mode: str, sizes, vocab_shapes, rounds: int, round_s: float) -> list[dict]:
    """Measure every loss on one backend: ``mode`` is "time" or "memory"."""
    os.environ["KERAS_BACKEND"] = backend
    import keras
    import torch  # noqa: F401  (before tensorflow, if both load)

    import keras_losses

    natives = {"torch": torch_native, "jax": jax_native, "tensorflow": tf_native}[backend]()
    to_backend, grad_step, sync = _harness(backend)
    if mode == "time":
        keep_freed_memory()
    rows = []
    benches = {name: (o, kind, k, o, None) for name, (o, kind, k) in LOSSES.items()} | CLASSIFICATION
    only = os.environ.get("BENCH_ONLY")
    benches = {name: bench for name, bench in benches.items() if not only or name in only.split(",")}
    for name, (options, kind, keras_name, keras_options, shapes) in benches.items():
        ours = getattr(keras_losses, name)(**options)
        theirs = getattr(keras.losses, keras_name)(**(options | keras_options)) if keras_name else None

        def call_ours(t, *p, loss=ours):
            return loss(t, p if len(p) > 1 else p[0])

        implementations = {"keras_losses": call_ours, "native": natives[name]}
        if name == "MeanSquaredError":  # A/A control: the native loss against a second copy of itself
            implementations["native_again"] = lambda t, *p, f=natives[name]: f(t, *p)
        if theirs is not None:
            implementations["keras"] = lambda t, *p, loss=theirs: loss(t, p[0])
        for size in vocab_shapes if shapes == "vocab" else sizes:
            y_true, preds = make_inputs(kind, size)
            elements = math.prod(size) if isinstance(size, tuple) else size
            row = {"backend": backend, "loss": name, "size": elements}
            if isinstance(size, tuple):
                row["shape"] = list(size)
            # One backend copy of the inputs, shared by the implementations; the host copy is
            # dropped at once (with 4 GiB of logits, one copy more is too many).
            y_true, preds = to_backend(y_true), tuple(to_backend(p) for p in preds)
            built = {label: grad_step(function, y_true, preds) for label, function in implementations.items()}
            steps = {label: step for label, (step, _) in built.items()}
            y_true = preds = None
            for label, (step, xla_bytes) in built.items():
                sync(step())  # compile and warm up
                sync(step())
                if mode == "memory":
                    row[label] = {"peak_bytes": xla_bytes if xla_bytes is not None else peak_bytes(step, sync)}
            del built
            if mode == "time":
                # Large vocabularies take seconds per pass: fewer rounds keep the run under an hour.
                seconds = interleaved_medians(steps, sync, rounds if elements <= 10_000_000 else 3, round_s)
                row.update({label: {"seconds": seconds[label]} for label in implementations})
            del steps
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def child_rows(arguments: list[str], mode: str) -> list[dict]:
    """Run ``python *arguments`` in a fresh process (with :data:`MEMORY_ENV` in the memory mode) and
    return the JSON rows of its last line of output."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **(MEMORY_ENV if mode == "memory" else {}))
    out = subprocess.run([sys.executable, *arguments], env=env, stdout=subprocess.PIPE, check=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(child_arguments, backends, strict: bool = True) -> list[dict]:
    """For each backend, a memory run and a time run (``child_arguments(backend, mode)``, each a fresh
    process); every time row gains the memory figures of its row. ``strict=False``: rows without memory
    figures (a memory run with fewer rows) keep their times."""
    rows = []
    for backend in backends:
        print(f"==> {backend}", file=sys.stderr, flush=True)
        memory = child_rows(child_arguments(backend, "memory"), "memory")
        timing = child_rows(child_arguments(backend, "time"), "time")
        for time_row, memory_row in zip(timing, memory, strict=strict):
            for label, value in memory_row.items():
                if isinstance(value, dict):
                    time_row[label].update(value)
        rows += timing
    return rows


def run_child(backend: str, mode: str, quick: bool) -> list[dict]:
    """One backend, one mode, in a fresh process (``BENCH_ONLY=Loss,Loss`` limits the losses)."""
    return child_rows(_child_arguments(backend, mode, quick), mode)


def _child_arguments(backend: str, mode: str, quick: bool) -> list[str]:
    return [__file__, "--child", backend, "--mode", mode] + (["--quick"] if quick else [])


def _harness(backend: str):
    """(copy an input to the backend, make a forward+backward step, wait for its result)."""
    if backend == "torch":
        import torch

        torch.set_grad_enabled(True)

        def grad_step(function, t, preds):
            ps = [p.detach().requires_grad_(True) for p in preds]

            def step():
                for p in ps:
                    p.grad = None
                loss = function(t, *ps)
                loss.backward()
                grads = [p.grad for p in ps]
                for p in ps:
                    p.grad = None  # freed once the caller drops the result
                return grads

            return step, None

        return torch.from_numpy, grad_step, lambda x: None
    if backend == "jax":
        import jax

        def grad_step(function, t, ps):
            compiled = jax.jit(jax.grad(lambda ps, t: function(t, *ps))).lower(ps, t).compile()
            # XLA's own account of the buffers it allocates for one call (exact, unlike RSS here).
            analysis = compiled.memory_analysis()
            memory = analysis.temp_size_in_bytes + analysis.output_size_in_bytes
            return (lambda: compiled(ps, t)), memory

        return jax.device_put, grad_step, jax.block_until_ready
    import tensorflow as tf

    def grad_step(function, t, preds):
        ps = list(preds)

        @tf.function(jit_compile=True)
        def compiled(t, ps):
            with tf.GradientTape() as tape:
                tape.watch(ps)
                loss = function(t, *ps)
            return tape.gradient(loss, ps)

        return (lambda: compiled(t, ps)), None

    return tf.constant, grad_step, lambda x: [g.numpy() for g in x]


# --- report --------------------------------------------------------------------------------------


def _ratio(row, label, other, key):
    if other not in row or label not in row:
        return None
    b = row[other][key]
    return row[label][key] / b if b > 0 else None


def _fmt(x, digits=2):
    return "—" if x is None else f"{x:.{digits}f}×"


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


# Real (not noise) differences, by loss, measured while writing these losses.
NOTES = {
    "L2Norm": "the catalog asks for a finite gradient at d = 0 (the subgradient 0). The select that gives it"
    " costs about 20% under XLA (measured in isolation) and a few small passes in torch eager; the native"
    " `sqrt` alone has a NaN gradient there.",
    "LogCosh": "ours is Keras's formulation `x + softplus(-2x) - log 2`; the native rows use"
    " `|x| + softplus(-2|x|) - log 2`, which measured faster under TensorFlow's XLA and slower in torch eager"
    " (one more pass). We keep the one that matches Keras's time on every backend.",
    "MeanSquaredLogarithmicError": "the native rows use `log1p`; ours uses `log(x + 1)` as Keras does, which is"
    " the faster kernel under XLA and equally accurate here.",
    "GaussianNLL": "PyTorch clamps the variance in place without recording it, so the gradient passes through;"
    " keras.ops needs `var + stop_gradient(max(var, eps) - var)` for the same values and gradients: a few"
    " more passes in torch eager.",
    "AdaptiveRobust": "with alpha = 1 the native row is `sqrt(z^2 + 1) - 1`, which cancels to 0 for small z"
    " in float32; ours is the exact `z^2 / (sqrt(z^2 + 1) + 1)`: one more pass in torch eager.",
    "CosineSimilarity": "Keras's values, with a finite gradient for an all-zero vector (Keras's is NaN).",
}

XLA_WHY = (
    "Under XLA the three implementations compile to nearly the same fused program (the same elementwise"
    " ops and one reduction), so what separates them at these sizes is mostly run-to-run noise on a"
    " shared 2-core machine: the A/A control above times the native loss against a second compile of itself,"
    " and its spread is the size of the noise. Ratios within that spread of 1.0 are not a real difference."
)
WHY = {
    "tensorflow": XLA_WHY,
    "jax": XLA_WHY,
    "torch": (
        "torch eager runs one kernel (and one pass over memory) per op. torch.nn.functional's losses are"
        " single fused C++ kernels with hand-written backward passes; every keras.ops loss, Keras's own"
        " included, is a chain of 3-8 elementwise ops plus the reduction, each a separate pass, so it"
        " cannot reach ≤1.1× native without a custom kernel, which keras.ops does not offer. The"
        " comparison that keras.ops can win is against Keras's built-in."
    ),
}


def write_report(rows: list[dict], path: pathlib.Path, versions: dict) -> None:
    lines = [
        "# Benchmarks: forward + backward",
        "",
        f"Measured {datetime.date.today().isoformat()} on {machine_description()}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "Command: `bash benchmarks/run.sh` (see `benchmarks/run.py` for the method).",
        "",
        "Ratios are keras_losses / reference: below 1 is faster (or smaller). Time: one forward+backward"
        " of the mean-reduced loss w.r.t. the predictions, the median within a round, of the quietest of 9"
        " rounds in which the implementations take turns. Memory: the peak of one pass, XLA's buffer account"
        " on JAX, the rise of the resident set on torch and TensorFlow. Inputs are float32 `(size / 16, 16)`.",
        "Targets: ≤1.0× Keras's built-in, ≤1.1× native, at ≥1M elements.",
        "",
    ]
    for backend in BACKENDS:
        sub = [r for r in rows if r["backend"] == backend]
        if not sub:
            continue
        native = {
            "torch": "torch.nn.functional / torch (eager)",
            "jax": "jax.numpy / optax (jit)",
            "tensorflow": "tf ops (tf.function, jit_compile=True)",
        }[backend]
        lines += [f"## {backend}: native is {native}", ""]
        noise = [r for r in sub if "native_again" in r]
        if noise:
            spread = ", ".join(f"{r['size']:,}: {_fmt(_ratio(r, 'native_again', 'native', 'seconds'))}" for r in noise)
            lines += [f"A/A control, time (the native MSE against a second compile of itself): {spread}.", ""]
        lines += [
            "| loss | elements | keras_losses ms | time vs native | time vs Keras"
            " | memory vs native | memory vs Keras |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        misses = []
        for row in sub:
            ms = row["keras_losses"]["seconds"] * 1e3
            big = row["size"] >= 1_000_000
            t_native = _ratio(row, "keras_losses", "native", "seconds")
            t_keras = _ratio(row, "keras_losses", "keras", "seconds")
            m_native = _ratio(row, "keras_losses", "native", "peak_bytes") if big else None
            m_keras = _ratio(row, "keras_losses", "keras", "peak_bytes") if big else None
            lines.append(
                f"| {row['loss']} | {row['size']:,} | {ms:.3f} | {_fmt(t_native)} | {_fmt(t_keras)} |"
                f" {_fmt(m_native)} | {_fmt(m_keras)} |"
            )
            if big and ((t_native or 0) > 1.1 or (t_keras or 0) > 1.0):
                misses.append((row["loss"], row["size"], t_native, t_keras))
        lines.append("")
        if misses:
            lines.append(f"Targets missed on {backend} at ≥1M elements:")
            lines.append("")
            for loss, size, tn, tk in misses:
                lines.append(f"- {loss} at {size:,}: {_fmt(tn)} native, {_fmt(tk)} Keras.")
            lines.append("")
            if backend in WHY:
                lines += [f"Why: {WHY[backend]}", ""]
            for loss in dict.fromkeys(loss for loss, *_ in misses):
                if loss in NOTES:
                    lines += [f"- {loss}: {NOTES[loss]}"]
            lines.append("")
    previous = path.read_text() if path.exists() else ""
    for begin, end in KEPT_SECTIONS:  # the sections with their own command: keep them
        if begin in previous:
            lines += [begin + previous.split(begin, 1)[1].split(end, 1)[0] + end, ""]
    path.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--child", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("time", "memory", "dropins"), default="time", help=argparse.SUPPRESS)
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--dropins", action="store_true", help="only the Keras drop-in section")
    parser.add_argument("--segmentation", action="store_true", help="only the segmentation section")
    parser.add_argument("--sequence", action="store_true", help="only the sequence section")
    parser.add_argument("--embedding", action="store_true", help="only the embedding section")
    args = parser.parse_args()
    if args.segmentation:
        import segmentation

        segmentation.main(pathlib.Path(args.output), args.backends)
        return
    if args.sequence:
        import sequence

        sequence.main(pathlib.Path(args.output), args.backends)
        return
    if args.embedding:
        import embedding

        embedding.main(pathlib.Path(args.output), args.backends)
        return
    sizes = QUICK_SIZES if args.quick else SIZES
    repeats, budget = (3, 0.02) if args.quick else (9, 0.1)
    if args.child and args.mode == "dropins":
        print(json.dumps(dropin_child(args.child, repeats, budget)))
        return
    if args.dropins:
        rows = []
        for backend in args.backends:
            print(f"==> {backend}", file=sys.stderr, flush=True)
            rows += run_child(backend, "dropins", args.quick)
        write_dropin_section(rows, pathlib.Path(args.output))
        print(f"wrote {args.output}", file=sys.stderr)
        return
    if args.child:
        vocab = QUICK_LARGE_VOCAB if args.quick else LARGE_VOCAB
        print(json.dumps(child(args.child, args.mode, sizes, vocab, repeats, budget)))
        return
    rows = measure(lambda backend, mode: _child_arguments(backend, mode, args.quick), args.backends)
    raw = HERE / "raw"
    raw.mkdir(exist_ok=True)
    if os.environ.get("BENCH_ONLY") and (raw / "results.json").exists():
        # A partial run updates its losses and keeps the previous run's other rows.
        measured = {(r["backend"], r["loss"]) for r in rows}
        previous = json.loads((raw / "results.json").read_text())
        kept = [r for r in previous if (r["backend"], r["loss"]) not in measured]
        rows = [r for b in BACKENDS for r in kept + rows if r["backend"] == b]
    (raw / "results.json").write_text(json.dumps(rows, indent=1))
    from importlib.metadata import version

    versions = {p: version(p) for p in ("keras", "tensorflow-cpu", "jax", "optax", "torch")}
    write_report(rows, pathlib.Path(args.output), versions)
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
