"""Train one model on every registered loss under a distribution, in a fresh process.

``python -m tests.distributed.fit_heads STRATEGY HEADS OUT.json [--no-fit]`` where STRATEGY
is ``one``, ``mirrored2`` or ``mirrored4`` (TensorFlow, on 4 logical CPU devices)
or ``data_parallel4`` (JAX, on 4 host devices: set ``XLA_FLAGS`` before starting),
and HEADS is ``turns`` (every loss with its default options, the default reduction
and one more), ``data_dependent`` (the option sets whose means depend on the labels,
and a Keras mask, every mean reduction) or ``sharded`` (both, fewer means; see :func:`build_heads`).

The model is one ``Dense`` layer whose columns are split into heads, one head
per (loss, option set, reduction); a test-only composite loss sums the heads'
losses, each called as Keras calls a loss (with ``sample_weight``, under the
strategy's replica context). One model output keeps Keras's per-output
machinery out of the way (it costs ~0.2 s a head to trace), while every head
still trains its own columns: the final weights of each head compare the
gradients of each loss and reduction one by one. The script writes the reported
loss of each epoch and the per-head weights; with data-dependent heads also
``evaluate()`` on one batch and, under ``MirroredStrategy``, every head's value
on the whole batch and on each half of it, computed on one device. With ``turns``
and ``sharded`` heads it also fits a second model that holds every layer of
``keras_losses.layers`` (:func:`fit_layers`) and writes its losses and weights.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import os
import sys

STEPS_BATCH, SAMPLES = 32, 64
#: Per-sample weights whose every block of 8 (each replica's share of a batch of 32, for 2 and 4
#: replicas) has the same sum and the same number of nonzero weights.
WEIGHT_BLOCK = [1.0, 0.0, 2.0, 0.5, 1.0, 1.0, 0.0, 0.5]


def configure(strategy: str) -> None:
    if os.environ.get("KERAS_BACKEND") == "tensorflow":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 4)
        # Grappler's passes over a graph of every loss cost more than they save in four steps.
        tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})


@dataclasses.dataclass
class Head:
    name: str
    loss: object
    y_true: object  # (SAMPLES, ...)
    pred_shape: tuple  # per sample
    activation: str
    start: int = 0  # first column of the head in the Dense output
    masked: bool = False  # the last column of y_true is a Keras mask for the predictions
    weighted: bool = True  # called with the sample weights (a batch-pooled loss refuses them)

    @property
    def width(self) -> int:
        return math.prod(self.pred_shape)


def _data_dependent(option_set: dict) -> bool:
    """Whether the loss's own denominator depends on the labels (ignored labels, class weights)."""
    return any(option_set.get(k) is not None for k in ("ignore_index", "ignore_class", "class_weight"))


#: Reductions that are means: with data-dependent denominators they are computed per replica.
MEANS = ("sum_over_batch_size", "mean", "mean_with_sample_weight", "weighted_mean", "sum_by_nonzero_weights")


def build_heads(selection: str) -> list[Head]:
    """``data_dependent``: the
    option sets whose means depend on the labels, and a Keras mask, with every mean reduction;
    ``sharded``: the data-dependent heads (with the default mean and one more, every mean in turn:
    ``DataParallel`` runs one global program, so its means are not per replica), and every loss with
    the default reduction and one more (every reduction in turn), a graph XLA compiles in a fraction
    of the time; ``turns``: ``sharded``
    without the data-dependent heads (what ``tf.distribute`` must train exactly as one device: the
    scaling of a reduction is the base class's, the same for every loss, so every reduction in turn
    covers it in a quarter of the heads of every reduction for every loss, a graph that took
    minutes to trace)."""
    import numpy as np

    import keras_losses as kl
    from tests.cases import CASES, per_sample, pooled
    from tests.helpers import ALL_REDUCTIONS

    heads, start = [], 0

    def add(name, loss, y_true, pred_shape, activation, masked=False, weighted=True):
        nonlocal start
        heads.append(Head(name, loss, y_true, pred_shape, activation, start, masked, weighted))
        start += heads[-1].width

    rng = np.random.default_rng(0)
    for losses_seen, entry in enumerate(kl.entries()):
        case = CASES[entry.cls.__name__]
        for index, option_set in enumerate(case.option_sets):
            if option_set.get("axis", -1) not in (-1, None):  # reduces across the samples: not per sample
                continue
            one_per_batch = pooled(case, option_set)
            # Values that depend on the rest of the batch are per replica, as data-dependent means:
            # the first option set stands for the rest.
            batch_dependent = (one_per_batch or case.batch_statistics) and index == 0
            variants = []  # (options, data-dependent, weighted)
            if index == 0 and selection in ("sharded", "turns") and not case.one_per_batch:
                variants.append((per_sample(entry, option_set), case.batch_statistics, True))
            if (_data_dependent(option_set) or batch_dependent) and selection in ("data_dependent", "sharded"):
                variants.append((option_set, True, not one_per_batch))
            if len(variants) == 2 and variants[0][0] == variants[1][0]:
                variants = variants[1:]  # the data-dependent heads (every mean) cover the default ones
            for options, data_dependent, weighted in variants:
                if data_dependent and selection == "turns":
                    continue
                y_true, y_pred = case.sample(rng, SAMPLES)
                if data_dependent and selection == "data_dependent":
                    reductions = MEANS
                elif data_dependent:  # sharded: one global program, so the default mean and one more in turn
                    reductions = dict.fromkeys((MEANS[0], MEANS[1 + losses_seen % (len(MEANS) - 1)]))
                else:  # the default reduction and one more, every reduction in turn
                    turn = ALL_REDUCTIONS[losses_seen % len(ALL_REDUCTIONS)]
                    reductions = dict.fromkeys(("sum_over_batch_size", turn))
                for reduction in reductions:
                    loss = entry.cls(**options, reduction=reduction)
                    name = f"{entry.cls.__name__}-{index}{'' if weighted else '-pooled'}-{reduction}"
                    add(
                        name,
                        loss,
                        y_true.astype("float32"),
                        tuple(y_pred.shape[1:]),
                        case.activation,
                        weighted=weighted,
                    )
    if selection != "turns":  # a Keras mask on the predictions: (N, T) values, some masked
        y_true = rng.normal(size=(SAMPLES, 4, 2)).astype("float32")
        mask = (rng.uniform(size=(SAMPLES, 4, 1)) > 0.3).astype("float32")
        for reduction in MEANS:
            loss = kl.MeanSquaredError(reduction=reduction)
            add(
                f"MeanSquaredError-masked-{reduction}", loss, np.concatenate([y_true, mask], -1), (4, 2), "linear", True
            )
    return heads


def heads_loss_class():
    import keras
    from keras import ops

    class HeadsLoss(keras.losses.Loss):
        """Test-only: the sum of every head's loss, each on its own columns and targets."""

        def __init__(self, heads: list[Head]):
            super().__init__(name="heads", reduction="none")
            self.heads = heads
            self.true_widths = [math.prod(h.y_true.shape[1:]) for h in heads]

        def head_values(self, y_true, y_pred, sample_weight=None):
            values, true_start = [], 0
            for head, true_width in zip(self.heads, self.true_widths, strict=True):
                pred = ops.reshape(y_pred[:, head.start : head.start + head.width], (-1, *head.pred_shape))
                if head.activation in ("softmax", "log_softmax"):
                    pred = getattr(ops, head.activation)(pred, axis=-1)
                elif head.activation != "linear":
                    pred = getattr(ops, head.activation)(pred)
                true = ops.reshape(y_true[:, true_start : true_start + true_width], (-1, *head.y_true.shape[1:]))
                true_start += true_width
                if head.masked:
                    from keras.src.backend import set_keras_mask

                    true, mask = true[..., :-1], ops.cast(true[..., -1], "bool")
                    set_keras_mask(pred, mask)
                weight = sample_weight if head.weighted else None
                values.append(ops.sum(head.loss(true, pred, sample_weight=weight)))
            return values

        def __call__(self, y_true, y_pred, sample_weight=None):
            return sum(self.head_values(y_true, y_pred, sample_weight))

    return HeadsLoss


@functools.cache
def _mirrored(replicas: int):
    """One ``MirroredStrategy`` per process (a second one would reuse the first one's collective keys)."""
    import tensorflow as tf

    devices = [d.name for d in tf.config.list_logical_devices("CPU")[:replicas]]
    return tf.distribute.MirroredStrategy(devices)


def _strategy_scope(strategy: str):
    import contextlib

    if strategy.startswith("mirrored"):
        return _mirrored(int(strategy[len("mirrored") :])).scope()
    if strategy.startswith("data_parallel"):
        import jax
        import keras

        keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
    return contextlib.nullcontext()


def run(strategy: str, selection: str, fit: bool = True) -> dict:
    """Fit two epochs of two steps; with ``data_dependent`` heads, also evaluate() and the per-half values."""
    import keras
    import numpy as np

    heads = build_heads(selection)
    x = np.random.default_rng(0).normal(size=(SAMPLES, 4)).astype("float32")
    y = np.concatenate([h.y_true.reshape(SAMPLES, -1) for h in heads], axis=1)
    if selection == "turns":
        weight = np.tile(np.array(WEIGHT_BLOCK, "float32"), SAMPLES // len(WEIGHT_BLOCK))
    else:  # shares with different weight sums: data-dependent denominators differ between replicas
        weight = np.random.default_rng(1).uniform(0, 2, SAMPLES).astype("float32")
        weight[::5] = 0.0
    loss = heads_loss_class()(heads)
    with _strategy_scope(strategy):
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(sum(h.width for h in heads), name="heads")])
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss=loss)
    result = {}
    if fit:
        history = model.fit(x, y, sample_weight=weight, batch_size=STEPS_BATCH, epochs=2, shuffle=False, verbose=0)
        kernel, bias = model.get_layer("heads").get_weights()
        result["loss"] = [float(v) for v in history.history["loss"]]
        result["weights"] = {
            h.name: [kernel[:, h.start : h.start + h.width].tolist(), bias[h.start : h.start + h.width].tolist()]
            for h in heads
        }
    if fit and selection in ("sharded", "turns"):
        result["layers"] = fit_layers(strategy)
    if selection != "turns":
        result["evaluate"] = float(model.evaluate(x, y, sample_weight=weight, batch_size=SAMPLES, verbose=0))
    if selection != "turns" and strategy.startswith("mirrored"):
        # Each head on the whole batch and on each half (each replica's share), on one device.
        pred = model.predict(x, batch_size=SAMPLES, verbose=0)
        halves = [slice(0, SAMPLES // 2), slice(SAMPLES // 2, SAMPLES)]
        result["names"] = [h.name for h in heads]
        result["whole"] = [float(v) for v in loss.head_values(y, pred, weight)]
        result["halves"] = [[float(v) for v in loss.head_values(y[h], pred[h], weight[h])] for h in halves]
    return result


def fit_layers(strategy: str) -> dict:
    """Every layer of ``keras_losses.layers`` in one model (CenterLoss, then the heads): fit as above."""
    import keras

    import keras_losses as kl
    from tests.layer_cases import build_layer_model, layer_data

    x, labels = layer_data(SAMPLES)
    with _strategy_scope(strategy):
        keras.utils.set_random_seed(1)
        model = build_layer_model()
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss=kl.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit([x, labels], labels, batch_size=STEPS_BATCH, epochs=2, shuffle=False, verbose=0)
    weights = model.get_weights()  # the centers included
    return {
        "loss": [float(v) for v in history.history["loss"]],
        "weights": [[w.path, value.tolist()] for w, value in zip(model.weights, weights, strict=True)],
    }


if __name__ == "__main__":
    strategy, selection, out = sys.argv[1:4]
    configure(strategy)
    with open(out, "w") as f:
        json.dump(run(strategy, selection, fit="--no-fit" not in sys.argv), f)
