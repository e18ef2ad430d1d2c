"""Sequence losses against their oracles: values and gradients on every backend.

- CTC: ``torch.nn.functional.ctc_loss`` in float64 (binding: reduction ``"none"``
  and ``"mean"``, ``zero_infinity``, blanks other than 0, probabilities), and
  ``tf.nn.ctc_loss`` and optax's ``ctc_loss`` on the feasible samples (theirs
  are not ``inf`` on impossible alignments: TF gives ~710, optax ~1e5);
- ``ctc_batch_cost`` against ``tf.compat.v1.nn.ctc_loss`` called as Keras 2
  called it, ``ctc_decode`` against ``tf.nn.ctc_greedy_decoder`` and
  ``tf.compat.v1.nn.ctc_beam_search_decoder`` (Keras 2's decoders);
- the edit distance against ``tf.edit_distance`` and the ``editdistance``
  package, empty sequences included; its gradient is exactly 0;
- the soft edit distance against a float64 NumPy recurrence (gradients by
  finite differences), and its limit at temperature → 0;
- the metric: sum / count over batches, CTC greedy decoding;
- the OCR example trains (character error rate falls), saves and reloads.

The oracles from other frameworks run in this process, whatever Keras's backend.
"""

from __future__ import annotations

import re

import editdistance
import keras
import numpy as np
import pytest
import torch

import keras_losses as kl
from keras_losses.metrics import EditDistance as EditDistanceMetric
from tests.helpers import (
    BACKEND,
    GRAD_RTOL,
    VALUE_RTOL,
    assert_close,
    numeric_grad,
    run_example,
    to_numpy,
    value_and_grads,
)

EPS = 1e-7  # Keras 2's epsilon: probabilities enter as log(p + 1e-7)

# Six samples, T = 8, C = 5: variable label lengths, repeats (which need a blank between), an empty
# label, a label as long as the inputs allow, masked (shorter) inputs, and an impossible alignment
# (the last sample's [2, 2] needs 3 steps, it has 2).
LABELS = np.array([[1, 2, 2, -1], [3, -1, -1, -1], [-1, -1, -1, -1], [1, 1, 1, 1], [4, 3, 2, 1], [2, 2, -1, -1]])
INPUT_LENGTHS = np.array([8, 5, 3, 8, 6, 2])
FEASIBLE = np.array([True, True, True, True, True, False])
N, T, C = 6, 8, 5


def _labels_for(blank):
    """LABELS with the blank class replaced by class 0 (never the blank here)."""
    blank %= C
    return np.where(LABELS == blank, 0, LABELS) if blank else LABELS


def _torch_ctc(labels, y_pred, input_lengths, blank, from_logits, zero_infinity, reduction="none"):
    """torch's CTC in float64 with its gradient (autograd); probabilities enter as Keras 2 fed them."""
    x = torch.tensor(y_pred, dtype=torch.float64, requires_grad=True)
    logits = x if from_logits else torch.log(x + EPS)
    log_probs = torch.log_softmax(logits, -1).transpose(0, 1)
    lengths = torch.tensor((labels >= 0).sum(1))
    targets = torch.tensor(np.where(labels >= 0, labels, 0))
    values = torch.nn.functional.ctc_loss(
        log_probs,
        targets,
        torch.tensor(input_lengths),
        lengths,
        blank=blank % C,
        reduction=reduction,
        zero_infinity=zero_infinity,
    )
    return values, x


def _ours(options, labels, y_pred, cotangent, input_lengths=INPUT_LENGTHS):
    """Per-sample values and the gradient of ``sum(values * cotangent)`` on this backend."""
    fn = kl.ctc

    def scalar(t, p):
        values = fn(t, p, input_length=input_lengths, **options)
        return keras.ops.sum(
            keras.ops.where(keras.ops.isfinite(values), values, 0.0) * keras.ops.convert_to_tensor(cotangent, "float32")
        )

    arrays = [labels.astype("float32"), y_pred.astype("float32")]
    _, (grad,) = value_and_grads(scalar, arrays, wrt=[1])
    values = to_numpy(fn(*arrays, input_length=input_lengths, **options))
    return values, grad


CTC_OPTIONS = [
    {},
    {"zero_infinity": True, "length_normalized": True},
    {"blank": 2},
    {"blank": -1, "from_logits": False, "zero_infinity": True},
]


@pytest.mark.parametrize("options", CTC_OPTIONS, ids=str)
def test_ctc_against_torch(options, rng):
    blank, from_logits = options.get("blank", 0), options.get("from_logits", True)
    zero_infinity = options.get("zero_infinity", False)
    labels = _labels_for(blank)
    logits = rng.normal(0, 2, (N, T, C))
    y_pred = logits if from_logits else np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    cotangent = rng.uniform(0.5, 2.0, N)
    values, grad = _ours(options, labels, y_pred, cotangent)
    # torch: values as it gives them; gradient with zero_infinity (its other gradient is NaN there).
    expected, _ = _torch_ctc(labels, y_pred, INPUT_LENGTHS, blank, from_logits, zero_infinity)
    reference, x = _torch_ctc(labels, y_pred, INPUT_LENGTHS, blank, from_logits, True)
    scale = 1 / np.maximum((labels >= 0).sum(1), 1) if options.get("length_normalized") else np.ones(N)
    (reference * torch.tensor(cotangent * scale)).sum().backward()
    expected = expected.detach().numpy() * scale
    if zero_infinity:
        assert np.all(values[~FEASIBLE] == 0) and np.all(grad[~FEASIBLE] == 0)
    else:  # torch's inf, not TF's ~710 or optax's ~1e5, and a zero gradient (torch's is NaN)
        assert np.all(np.isinf(values[~FEASIBLE])) and np.all(grad[~FEASIBLE] == 0)
    assert_close(values[FEASIBLE], expected[FEASIBLE], VALUE_RTOL, record="CTC (torch)")
    assert_close(grad, x.grad.numpy(), GRAD_RTOL, "gradient", record="CTC (torch)")
    if options.get("length_normalized"):  # the default reduction is torch's reduction="mean" (lengths T)
        loss = kl.CTC(**options)(labels.astype("float32"), y_pred.astype("float32"))
        mean, _ = _torch_ctc(labels, y_pred, np.full(N, T), blank, from_logits, True, reduction="mean")
        assert_close(to_numpy(loss), mean.detach().numpy(), VALUE_RTOL, record="CTC (torch mean)")


def test_ctc_against_tensorflow_and_optax(rng):
    import jax
    import optax
    import tensorflow as tf

    labels, blank = _labels_for(2)[FEASIBLE], 2
    lengths, count = INPUT_LENGTHS[FEASIBLE], int(FEASIBLE.sum())
    logits = rng.normal(0, 2, (count, T, C)).astype("float32")
    values, grad = _ours({"blank": blank}, labels, logits, np.ones(count), input_lengths=lengths)
    x = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(x)
        tf_values = tf.nn.ctc_loss(
            tf.constant(np.where(labels >= 0, labels, 0), tf.int32),
            x,
            tf.constant((labels >= 0).sum(1), tf.int32),
            tf.constant(lengths, tf.int32),
            logits_time_major=False,
            blank_index=blank,
        )
        total = tf.reduce_sum(tf_values)
    tf_grad = tape.gradient(total, x).numpy()
    assert_close(values, tf_values.numpy(), VALUE_RTOL, record="CTC (tf)")
    assert_close(grad, tf_grad, GRAD_RTOL, "gradient", record="CTC (tf)")
    with jax.enable_x64(True):
        paddings = (np.arange(T)[None, :] >= lengths[:, None]).astype("float64")

        def optax_total(z):
            return optax.ctc_loss(
                z, paddings, np.where(labels >= 0, labels, 0), (labels < 0).astype("float64"), blank_id=blank
            )

        optax_values = np.asarray(optax_total(logits.astype("float64")))
        optax_grad = np.asarray(jax.grad(lambda z: optax_total(z).sum())(logits.astype("float64")))
    assert_close(values, optax_values, VALUE_RTOL, record="CTC (optax)")
    assert_close(grad, optax_grad, GRAD_RTOL, "gradient", record="CTC (optax)")


def test_ctc_takes_input_lengths_from_the_keras_mask_and_reduces_over_every_sample(rng):
    """A masked RNN's output: the mask counts the steps; the mean is over all N samples (torch's lengths)."""
    labels = _labels_for(0)[FEASIBLE]
    lengths = INPUT_LENGTHS[FEASIBLE]
    x = rng.normal(0, 1, (len(labels), T, 3)).astype("float32")
    x[np.arange(T)[None, :] >= lengths[:, None]] = 0.0  # masked steps: what Masking(0.0) hides
    inputs = keras.Input((T, 3))
    hidden = keras.layers.GRU(8, return_sequences=True)(keras.layers.Masking(0.0)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(C)(hidden))
    model.compile(loss=kl.CTC(zero_infinity=True))
    logits = to_numpy(model(x))
    expected, _ = _torch_ctc(labels, logits, lengths, 0, True, True)
    np.testing.assert_allclose(
        model.evaluate(x, labels.astype("float32"), verbose=0), expected.detach().numpy().mean(), rtol=1e-5
    )
    soft_expected = np.mean([_soft_reference(labels[i], _softmax(logits[i, : lengths[i]]), 1.0) for i in range(5)])
    probabilities = keras.layers.Activation("softmax")(model.outputs[0])
    model = keras.Model(inputs, probabilities)
    model.compile(loss=kl.SoftEditDistance())
    np.testing.assert_allclose(model.evaluate(x, labels.astype("float32"), verbose=0), soft_expected, rtol=1e-5)


def _keras2_inputs(rng, n=5, steps=9, classes=5):
    probabilities = rng.dirichlet(np.ones(classes) * 0.5, (n, steps)).astype("float32")
    labels = rng.integers(0, classes - 1, (n, 4))  # the blank is the last class
    label_length = np.array([[4], [2], [1], [3], [2]])[:n]  # TF1 refuses empty labels
    input_length = np.array([[9], [7], [9], [5], [3]])[:n]
    return labels, probabilities, input_length, label_length


def test_ctc_batch_cost_is_keras_2s(rng):
    import tensorflow as tf

    labels, probabilities, input_length, label_length = _keras2_inputs(rng)
    p = tf.constant(probabilities)
    with tf.GradientTape() as tape:  # Keras 2's backend.ctc_batch_cost, with the sparse labels built here
        tape.watch(p)
        indices = [[i, j] for i in range(len(labels)) for j in range(label_length[i, 0])]
        sparse = tf.SparseTensor(
            np.array(indices, "int64").reshape(-1, 2),
            np.array([labels[i, j] for i, j in indices], "int32"),
            np.array(labels.shape, "int64"),
        )
        inputs = tf.math.log(tf.transpose(p, perm=[1, 0, 2]) + EPS)
        keras2 = tf.expand_dims(tf.compat.v1.nn.ctc_loss(sparse, inputs, input_length[:, 0]), 1)
        total = tf.reduce_sum(keras2)
    keras2_grad = tape.gradient(total, p).numpy()
    junk = np.where(np.arange(4)[None, :] < label_length, labels, 0)  # past the lengths: ignored
    ours = to_numpy(kl.ctc_batch_cost(junk, probabilities, input_length, label_length))
    assert ours.shape == (5, 1)
    assert_close(ours, keras2.numpy(), VALUE_RTOL, record="ctc_batch_cost (tf1)")
    _, (grad,) = value_and_grads(
        lambda q: keras.ops.sum(kl.ctc_batch_cost(junk, q, input_length, label_length)), [probabilities], wrt=[0]
    )
    assert_close(grad, keras2_grad, GRAD_RTOL, "gradient", record="ctc_batch_cost (tf1)")


def _dense(sparse, shape):
    import tensorflow as tf

    return tf.sparse.to_dense(tf.SparseTensor(sparse.indices, sparse.values, shape), default_value=-1).numpy()


def test_ctc_decode_is_keras_2s(rng):
    import tensorflow as tf

    _, probabilities, input_length, _ = _keras2_inputs(rng)
    inputs = tf.math.log(tf.transpose(probabilities, perm=[1, 0, 2]) + EPS)
    lengths = input_length[:, 0]
    shape = probabilities.shape[:2]
    (greedy,), greedy_score = tf.nn.ctc_greedy_decoder(inputs, lengths)
    paths, score = kl.ctc_decode(probabilities, lengths)
    assert len(paths) == 1
    np.testing.assert_array_equal(to_numpy(paths[0]), _dense(greedy, shape))
    assert_close(to_numpy(score), greedy_score.numpy(), 1e-5)
    beams, beam_scores = tf.compat.v1.nn.ctc_beam_search_decoder(inputs, lengths, beam_width=8, top_paths=2)
    paths, scores = kl.ctc_decode(probabilities, input_length, greedy=False, beam_width=8, top_paths=2)
    assert len(paths) == 2
    for ours, theirs in zip(paths, beams, strict=True):
        np.testing.assert_array_equal(to_numpy(ours), _dense(theirs, shape))
    assert_close(to_numpy(scores), beam_scores.numpy(), 1e-4)


# --- edit distance ---------------------------------------------------------------------------------------


def _random_pairs(rng, n=120, width=7, vocab=3):
    """Pairs of padded sequences of lengths 0..width (empty ones included) over a small vocabulary."""

    def padded(lengths):
        values = rng.integers(0, vocab, (n, width))
        return np.where(np.arange(width)[None, :] < lengths[:, None], values, -1)

    truth_lengths, hyp_lengths = rng.integers(0, width + 1, n), rng.integers(0, width + 1, n)
    truth_lengths[:3], hyp_lengths[:3] = [0, 0, 3], [0, 4, 0]  # both empty, empty truth, empty hypothesis
    return padded(truth_lengths), padded(hyp_lengths)


def _tf_edit_distance(truth, hypothesis, normalize):
    import tensorflow as tf

    def sparse(x):
        indices = np.argwhere(x >= 0)
        return tf.SparseTensor(indices, x[x >= 0], [x.shape[0], max(x.shape[1], 1)])

    return tf.edit_distance(sparse(hypothesis), sparse(truth), normalize=normalize).numpy()


@pytest.mark.parametrize("normalize", [True, False])
def test_edit_distance_against_tf_and_editdistance(normalize, rng):
    truth, hypothesis = _random_pairs(rng)
    hypothesis = hypothesis[:, :6]  # unequal widths
    ours = to_numpy(kl.edit_distance(truth, hypothesis.astype("float32"), normalize=normalize))
    expected = _tf_edit_distance(truth, hypothesis, normalize)
    np.testing.assert_array_equal(np.isinf(ours), np.isinf(expected))
    finite = np.isfinite(expected)
    assert_close(ours[finite], expected[finite], 1e-6, record="EditDistance (tf)")
    if normalize:  # tf.edit_distance's empty truth: inf for a hypothesis, 0 for none
        assert ours[0] == 0 and np.isinf(ours[1])
    else:
        counted = [editdistance.eval(list(t[t >= 0]), list(h[h >= 0])) for t, h in zip(truth, hypothesis, strict=True)]
        np.testing.assert_array_equal(ours, np.array(counted, "float32"))


#: How each kind of token enters, and whether eager calls look it up in the table of token words (else they compare
#: every cell). Tokens far apart span more values than a table holds; fractions are not whole numbers.
TOKEN_KINDS = {
    "small integers": (lambda x: x, lambda x: x, True),
    "whole floats": (lambda x: x, lambda x: x.astype("float32"), True),
    "integers far apart": (*[lambda x: np.where(x >= 0, x * 10**8 - 2**31 + 1, -1).astype("int32")] * 2, False),
    "fractions": (*[lambda x: np.where(x >= 0, x + 0.5, -1).astype("float32")] * 2, False),
}


def _count_comparisons(monkeypatch):
    """Calls of the cell-by-cell comparisons (the eager table's fallback), counted."""
    from keras_losses import sequence

    calls = []
    compare = sequence._match_words
    monkeypatch.setattr(sequence, "_match_words", lambda *args: calls.append(1) or compare(*args))
    return calls


@pytest.mark.parametrize("tokens", list(TOKEN_KINDS))
@pytest.mark.parametrize("widths", [(64, 64), (65, 3), (130, 97)])
def test_edit_distance_across_word_boundaries(widths, tokens, rng, monkeypatch):
    """Long rows: the bit-parallel table spans several 32- or 64-bit blocks (and row lengths on their edges).

    Every kind of token, each by the way it claims (eager: the table of token
    words or the comparisons; compiled: the comparisons, under ``jit``, XLA or
    ``torch.compile`` with the whole graph).
    """
    n = 64
    truth_lengths = rng.integers(0, widths[0] + 1, n)
    edges = [w for w in (31, 32, 33, 63, 64, 65, 127, 128, 129, widths[0]) if w <= widths[0]]
    truth_lengths[: len(edges)] = edges
    hyp_lengths = rng.integers(0, widths[1] + 1, n)

    def padded(lengths, width):
        values = rng.integers(0, 4, (n, width))
        return np.where(np.arange(width)[None, :] < lengths[:, None], values, -1)

    truth, hypothesis = padded(truth_lengths, widths[0]), padded(hyp_lengths, widths[1])
    k = min(widths)
    hypothesis[-1, :k] = np.where(truth[-1, :k] >= 0, truth[-1, :k], 1)  # a near-copy of the truth
    counted = [editdistance.eval(list(t[t >= 0]), list(h[h >= 0])) for t, h in zip(truth, hypothesis, strict=True)]
    as_truth, as_hypothesis, looked_up = TOKEN_KINDS[tokens]
    truth, hypothesis = as_truth(truth), as_hypothesis(hypothesis)
    comparisons = _count_comparisons(monkeypatch)
    ours = to_numpy(kl.edit_distance(truth, hypothesis, normalize=False))
    np.testing.assert_array_equal(ours, np.array(counted, "float32"))
    if keras.backend.backend() != "tensorflow":  # eager (TensorFlow's edit distance is always XLA-ready)
        assert (len(comparisons) == 0) == looked_up, comparisons
    # Compiled: two blocks for every kind; three for JAX and XLA; torch.compile (seconds a call) on integers.
    if keras.backend.backend() == "torch":
        compile_here = widths == (65, 3) and tokens == "small integers"
    else:
        compile_here = widths == (65, 3) or (widths[0] > 64 and tokens == "whole floats")
    if compile_here:
        compiled = _compiled(lambda a, b: kl.edit_distance(a, b, normalize=False))
        tensors = [keras.ops.convert_to_tensor(x) for x in (truth, hypothesis)]  # dynamo traces no ndarray input
        np.testing.assert_array_equal(to_numpy(compiled(*tensors)), ours)


@pytest.mark.parametrize("above", [0, 1])
def test_edit_distance_table_holds_up_to_its_limit(above, rng, monkeypatch):
    """At 64 x 64 the table of token words is at most the comparisons' size: 512 tokens (256 with 32-bit words).

    Tokens ``0 .. limit - 1`` are looked up; ``0 .. limit`` are compared.
    """
    from keras_losses.sequence import _word

    limit = 64 * 64 // (8 * (64 // _word()[1]))
    top = limit - 1 + above
    truth, hypothesis = rng.integers(0, top + 1, (2, 16, 64))
    truth[0, :2], hypothesis[0, :2] = [0, top], [top, 0]  # both ends of the span
    hypothesis[1::2] = np.where(rng.random(hypothesis[1::2].shape) < 0.7, truth[1::2], hypothesis[1::2])
    comparisons = _count_comparisons(monkeypatch)
    ours = to_numpy(kl.edit_distance(truth, hypothesis, normalize=False))
    counted = [editdistance.eval(list(t), list(h)) for t, h in zip(truth, hypothesis, strict=True)]
    np.testing.assert_array_equal(ours, np.array(counted, "float32"))
    if keras.backend.backend() != "tensorflow":
        assert (len(comparisons) == 0) == (above == 0), comparisons


def test_edit_distance_compares_64_bit_tokens_exactly(monkeypatch):
    """int64 tokens that differ only above bit 31 are distinct (Keras's promotion would make them int32).

    Those are far apart (compared); tokens near 2**62 that span few values take
    the table (its flat indices still fit a word). JAX without x64 holds int64
    as int32 (its own conversion): tokens are compared as held.
    """
    base = np.stack([np.arange(64) % 4, np.arange(64) // 16]).astype("int64")  # a whole word: no -1 pads the rows
    cases = {
        "above bit 31": (base * 2**32, base[::-1] * 2**32 + 2**40),
        "near 2**62": (base + 2**62, base[::-1] + 2**62),
    }
    comparisons = _count_comparisons(monkeypatch)
    for name, (truth, hypothesis) in cases.items():
        comparisons.clear()
        ours = to_numpy(kl.edit_distance(truth, hypothesis, normalize=False))
        held = [to_numpy(keras.ops.convert_to_tensor(x)) for x in (truth, hypothesis)]
        counted = [editdistance.eval(list(t), list(h)) for t, h in zip(*held, strict=True)]
        np.testing.assert_array_equal(ours, np.array(counted, "float32"), err_msg=name)
        if keras.backend.backend() == "torch":  # 64-bit words
            assert (len(comparisons) == 0) == (name == "near 2**62"), (name, comparisons)


def _compiled(function):
    if keras.backend.backend() == "torch":  # the whole graph: no host read of the tokens inside it
        return torch.compile(function, fullgraph=True, backend="eager")
    if keras.backend.backend() == "jax":
        import jax

        return jax.jit(function)
    import tensorflow as tf

    return tf.function(function, jit_compile=True)


def test_edit_distance_gives_a_zero_gradient_and_the_loss_averages(rng):
    truth, hypothesis = _random_pairs(rng, n=6)
    loss = kl.EditDistance(normalize=False)
    value, (grad,) = value_and_grads(lambda p: loss(truth, p), [hypothesis.astype("float32")], wrt=[0])
    assert np.all(grad == 0)
    counted = [editdistance.eval(list(t[t >= 0]), list(h[h >= 0])) for t, h in zip(truth, hypothesis, strict=True)]
    assert_close(value, np.mean(counted), 1e-6)


# --- soft edit distance ------------------------------------------------------------------------------------


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _soft_reference(labels, probabilities, temperature):
    """The recurrence in float64, cell by cell: D[s, t] = softmin(up + 1, left + 1, diagonal + 1 - p_t[y_s])."""
    labels = labels[labels >= 0]
    rows, cols = len(labels), len(probabilities)
    table = np.zeros((rows + 1, cols + 1))
    table[:, 0], table[0, :] = np.arange(rows + 1), np.arange(cols + 1)
    for s in range(1, rows + 1):
        for t in range(1, cols + 1):
            x = np.array(
                [
                    table[s - 1, t] + 1,
                    table[s, t - 1] + 1,
                    table[s - 1, t - 1] + 1 - probabilities[t - 1, int(labels[s - 1])],
                ]
            )
            m = x.min()
            table[s, t] = m - temperature * np.log(np.sum(np.exp(-(x - m) / temperature)))
    return table[rows, cols]


@pytest.mark.parametrize("temperature", [1.0, 0.25])
def test_soft_edit_distance_against_a_float64_recurrence(temperature, rng):
    labels = np.array([[1, 2, 2], [3, -1, -1], [-1, -1, -1], [0, 1, -1]])
    lengths = np.array([5, 4, 3, 2])
    probabilities = _softmax(rng.normal(0, 1.5, (4, 5, 4)))
    cotangent = rng.uniform(0.5, 2.0, 4)

    def reference(p):
        return sum(
            cotangent[i] * _soft_reference(labels[i], p[i, : lengths[i]], temperature) for i in range(len(labels))
        )

    def scalar(p):
        values = kl.soft_edit_distance(labels, p, temperature=temperature, input_length=lengths)
        return keras.ops.sum(values * keras.ops.convert_to_tensor(cotangent, "float32"))

    value, (grad,) = value_and_grads(scalar, [probabilities.astype("float32")], wrt=[0])
    assert_close(value, reference(probabilities), VALUE_RTOL, record="SoftEditDistance (numpy)")
    assert_close(grad, numeric_grad(reference, probabilities), GRAD_RTOL, "gradient", record="SoftEditDistance (numpy)")


def test_soft_edit_distance_tends_to_the_edit_distance(rng):
    labels = np.array([[1, 2, 2, -1], [3, 3, 1, 0], [2, -1, -1, -1]])
    best = rng.integers(0, 4, (3, 6))
    one_hot = np.eye(4, dtype="float32")[best]
    exact = [editdistance.eval(list(t[t >= 0]), list(b)) for t, b in zip(labels, best, strict=True)]
    for temperature, tolerance in ((0.1, 1.0), (1e-3, 0.02)):
        soft = to_numpy(kl.soft_edit_distance(labels, one_hot, temperature=temperature))
        assert np.all(soft <= np.array(exact) + 1e-5) and np.all(soft >= np.array(exact) - tolerance), (soft, exact)


# --- the metric ---------------------------------------------------------------------------------------------


def _greedy(scores, blank):
    best = scores.argmax(-1)
    merged = [b for i, b in enumerate(best) if i == 0 or b != best[i - 1]]
    return [b for b in merged if b != blank]


def test_edit_distance_metric_is_the_mean_over_every_sample_seen(rng):
    metric = EditDistanceMetric(decode="ctc_greedy", blank=0)
    distances, weights = [], []
    for n in (3, 5):  # batches of different sizes: not a mean of batch means
        labels = np.where(rng.random((n, 4)) < 0.8, rng.integers(1, 4, (n, 4)), -1)
        labels = np.where(np.cumsum(labels < 0, axis=1) > 0, -1, labels)
        labels[:, 0] = rng.integers(1, 4, n)
        scores = rng.normal(0, 1, (n, 7, 4)).astype("float32")
        weight = rng.uniform(0.5, 2.0, n).astype("float32")
        metric.update_state(labels, scores, sample_weight=weight)
        for t, s in zip(labels, scores, strict=True):
            truth = list(t[t >= 0])
            distances.append(editdistance.eval(truth, _greedy(s, 0)) / len(truth))
        weights.extend(weight)
    assert_close(to_numpy(metric.result()), np.average(distances, weights=weights), 1e-6)
    argmax = EditDistanceMetric(normalize=False, decode="argmax")
    argmax.update_state(labels, scores)
    expected = [editdistance.eval(list(t[t >= 0]), list(s.argmax(-1))) for t, s in zip(labels, scores, strict=True)]
    assert_close(to_numpy(argmax.result()), np.mean(expected), 1e-6)
    config = EditDistanceMetric.from_config(metric.get_config()).get_config()
    assert config["decode"] == "ctc_greedy" and config["blank"] == 0
    with pytest.raises(ValueError, match="`decode`"):
        EditDistanceMetric(decode="beam")


# --- the example -----------------------------------------------------------------------------------------------


def test_ocr_example_trains_saves_and_reloads(tmp_path):
    """A short run: the character error rate falls, decoded strings print, the .keras file reloads."""
    stdout = run_example("ocr_ctc.py", "--epochs", "3", "--samples", "768", "--output", str(tmp_path / "ocr.keras"))
    assert f"backend: {BACKEND}" in stdout
    rates = [float(x) for x in re.findall(r"character error rate: ([0-9.]+)", stdout)]
    assert len(rates) >= 2 and rates[-1] < rates[0], stdout
    assert "reloaded: same predictions" in stdout
