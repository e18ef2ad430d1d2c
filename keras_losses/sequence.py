"""Sequence losses: CTC, the edit distance and a differentiable soft edit distance; Keras 2's CTC functions.

Targets are integer sequences ``(N, S)`` padded at the end with ``-1``, so that
samples of one batch have labels of different lengths (floats holding integers
work too: Keras casts ``y_true`` to floats). ``y_pred`` is ``(N, T, C)``: one
score vector per time step (CTC and the soft edit distance), or a padded
hypothesis ``(N, S2)`` (the edit distance). A Keras mask on ``y_pred`` (a
``Masking`` layer or a masked RNN upstream) gives each sample's input length
``T_n``; the reduction is still over every sample.

``ctc_batch_cost`` and ``ctc_decode`` are Keras 2's functions with Keras 2's
signatures (probabilities in, blank = the last class), so that Keras 2 OCR code
runs unchanged on every backend.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import keras
import numpy as np
from keras import ops

from keras_losses.core._keras_internals import get_keras_mask, holds_values, jax_is_compiling
from keras_losses.core.base import Loss
from keras_losses.core.labels import nan_where
from keras_losses.core.numerics import with_zero_gradient
from keras_losses.core.probabilities import epsilon
from keras_losses.core.reduction import DEFAULT_REDUCTION
from keras_losses.core.registry import register_loss
from keras_losses.core.validation import boolean, checked, float_tensor, integer, positive, to_tensor

__all__ = [
    "CTC",
    "EditDistance",
    "SoftEditDistance",
    "collapse_repeats",
    "ctc",
    "ctc_batch_cost",
    "ctc_decode",
    "edit_distance",
    "soft_edit_distance",
]

#: The padding of label sequences.
PAD = -1
#: A finite stand-in for "unreachable" cells of the edit-distance table (never read for a result).
_FAR = 1e6


# --- label rows ---------------------------------------------------------------------------------------


class LabelRows(NamedTuple):
    """Padded label sequences ready for the ops."""

    #: ``(N, S)`` int32 labels, padded with -1, bad entries replaced by 0; or the tokens as they are (floats).
    values: Any
    #: ``(N,)`` int32: the number of entries before the padding.
    length: Any
    #: ``(N,)`` bool: a bad entry (see :func:`label_rows`) somewhere in the row.
    bad: Any


def _shape_str(x: Any) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in x.shape) + ("," if len(x.shape) == 1 else "") + ")"


def label_rows(
    y_true: Any, num_classes: int | None = None, blank: int | None = None, tokens: bool = False
) -> LabelRows:
    """Rows of labels padded with ``-1``: values, lengths, and which rows hold a bad entry.

    A rank-1 ``y_true`` is one label per sample (``(N, 1)``), as Keras's rank
    rule reads ``(N,)`` targets. Bad entries make the sample's value NaN, as
    :mod:`keras_losses.core.labels` does for class labels: NaN; a ``-1`` before a
    label (padding is trailing); with ``tokens=False`` any value that is not an
    integer in ``[0, num_classes)`` other than ``blank``. With ``tokens=True``
    (edit distance) every other value is a token, compared as it is (as
    ``tf.edit_distance`` does).
    """
    labels = to_tensor(y_true)
    if len(labels.shape) == 1:
        labels = ops.expand_dims(labels, -1)
    if len(labels.shape) != 2:
        raise ValueError(
            f"`y_true` must hold padded label sequences of shape (N, S); got y_true.shape={_shape_str(labels)}."
        )
    is_float = keras.backend.is_float_dtype(labels.dtype)
    if is_float and keras.backend.standardize_dtype(labels.dtype) in ("float16", "bfloat16"):
        labels = ops.cast(labels, "float32")
    pad = ops.equal(labels, PAD)
    if tokens:
        good = ops.logical_not(ops.isnan(labels)) if is_float else None  # integer tokens are all good
    else:
        good = ops.greater_equal(labels, 0)
        if is_float:  # NaN and inf fail the first test, fractions the second
            good = ops.logical_and(good, ops.logical_and(ops.isfinite(labels), ops.equal(ops.floor(labels), labels)))
        if num_classes is not None:
            good = ops.logical_and(good, ops.less(labels, num_classes))
        if blank is not None:
            good = ops.logical_and(good, ops.not_equal(labels, blank))
    kept = None if good is None else ops.logical_or(good, pad)  # labels and padding
    pad_int = ops.cast(pad, "int32")  # 0/1: compared as integers (TensorFlow has no `greater` for bool)
    length = ops.shape(labels)[1] - ops.sum(pad_int, axis=1)
    bad = ops.zeros_like(length, dtype="bool") if kept is None else ops.logical_not(ops.all(kept, axis=1))
    if labels.shape[1] is not None and labels.shape[1] > 1:  # a label after the padding
        bad = ops.logical_or(bad, ops.any(ops.greater(pad_int[:, :-1], pad_int[:, 1:]), axis=1))
    if tokens:
        values = labels if good is None else ops.where(good, labels, ops.zeros_like(labels))
    else:
        values = ops.cast(ops.where(kept, labels, ops.zeros_like(labels)), "int32")
    return LabelRows(values, length, bad)


def _check_batch(labels: Any, y_pred: Any, name: str = "y_pred") -> None:
    n1, n2 = labels.shape[0], y_pred.shape[0]
    if n1 is not None and n2 is not None and n1 != n2:
        raise ValueError(
            f"`y_true` and `{name}` must have one row per sample; got y_true.shape={_shape_str(labels)} "
            f"and {name}.shape={_shape_str(y_pred)}."
        )


def _check_scores(y_pred: Any) -> None:
    if len(y_pred.shape) != 3:
        raise ValueError(
            f"`y_pred` must hold one score vector per time step, of shape (N, T, C); got "
            f"y_pred.shape={_shape_str(y_pred)}."
        )


def _blank_index(blank: int, num_classes: int) -> int:
    if not -num_classes <= blank < num_classes:
        raise ValueError(
            f"Invalid value for argument `blank`: {blank!r}. Expected an integer in [-{num_classes}, "
            f"{num_classes}) for {num_classes} classes (negative values count from the last class)."
        )
    return blank % num_classes


def _lengths(y_pred: Any, mask: Any) -> Any:
    """``(N,)`` int32 input lengths: the count of the Keras mask ``(N, T)``, else ``T``."""
    if mask is None:
        return ops.full((ops.shape(y_pred)[0],), ops.shape(y_pred)[1], dtype="int32")
    return ops.sum(ops.cast(mask, "int32"), axis=1)


def _input_lengths(y_pred: Any, input_length: Any, mask: Any) -> Any:
    """``(N,)`` int32 input lengths: ``input_length`` if given, else :func:`_lengths`; at most ``T``."""
    if input_length is None:
        input_length = _lengths(y_pred, mask)
    else:
        input_length = ops.cast(ops.reshape(to_tensor(input_length), (-1,)), "int32")
    return ops.minimum(input_length, ops.shape(y_pred)[1])


# --- CTC ----------------------------------------------------------------------------------------------


#: On JAX, eager calls on inputs of at most this many steps run :func:`_ctc_unrolled`; under ``jit``
#: Keras's ``lax.scan`` is faster (4.2 ms against 6.2 forward+backward at 256 × 32 × 40) and compiles once.
_UNROLL_STEPS = 64


def _ctc_unrolled(labels: Any, label_length: Any, logits: Any, input_length: Any, blank: int) -> Any:
    """CTC's forward recursion over the steps, unrolled in Python (labels feasible, ``-1`` padded).

    Keras's JAX ``ctc_loss`` is a ``lax.scan`` whose loop compiles again at every
    eager call (~0.5 s each); unrolled, short inputs take milliseconds eagerly
    and compile quickly under ``jit``. The recursion is the textbook one
    (Graves et al. 2006) over the label with blanks around and between its
    entries, in log space, with a finite floor instead of ``-inf`` (no NaN
    gradients).
    """
    log_probs = ops.log_softmax(logits, axis=-1)
    batch, steps = ops.shape(log_probs)[0], logits.shape[1]
    width = 2 * labels.shape[1] + 1
    floor = ops.cast(-1e30, log_probs.dtype)
    blanks = ops.full_like(labels, blank)
    extended = ops.reshape(ops.stack([blanks, ops.where(labels >= 0, labels, blanks)], axis=2), (batch, -1))
    extended = ops.concatenate([extended, blanks[:, :1]], axis=1)  # blank, l1, blank, l2, ..., blank
    emit = ops.take_along_axis(log_probs, ops.repeat(extended[:, None, :], steps, axis=1), axis=2)
    different = ops.not_equal(extended[:, 2:], extended[:, :-2])
    skip = ops.concatenate([ops.zeros_like(extended[:, :2]) > 0, different], axis=1)  # s -> s + 2 over a blank
    position = ops.arange(width, dtype="int32")[None, :]
    alpha = ops.where(position <= 1, emit[:, 0], floor)
    for t in range(1, steps):
        one = ops.concatenate([ops.full_like(alpha[:, :1], floor), alpha[:, :-1]], axis=1)
        two = ops.concatenate([ops.full_like(alpha[:, :2], floor), alpha[:, :-2]], axis=1)
        paths = ops.stack([alpha, one, ops.where(skip, two, floor)], axis=-1)
        alpha = ops.where(t < input_length[:, None], ops.logsumexp(paths, axis=-1) + emit[:, t], alpha)
    last = 2 * label_length
    ends = ops.stack([last, ops.maximum(last - 1, 0)], axis=1)
    end_values = ops.take_along_axis(alpha, ends, axis=1)
    end_values = ops.where(ops.stack([last >= 0, last > 0], axis=1), end_values, floor)
    values = -ops.logsumexp(end_values, axis=1)
    return ops.where(input_length > 0, values, ops.zeros_like(values))  # no steps and no label: probability 1


def _ctc_values(
    labels: Any, label_length: Any, logits: Any, input_length: Any, blank: int, zero_infinity: bool, bad: Any
) -> Any:
    """Per-sample CTC negative log-likelihood, one number on every backend; NaN where ``bad``.

    An impossible alignment (the label and the blanks its repeats need are
    longer than the input) is ``inf`` (``0`` with ``zero_infinity``) with a zero
    gradient: the op never sees it (its label is emptied), since the backends
    disagree there (TensorFlow returns ~710, JAX ~1e5, torch ``inf`` with NaN
    gradients).
    """
    if logits.shape[0] == 0:  # torch and TensorFlow refuse an empty batch
        return ops.sum(logits, axis=(1, 2))
    steps = ops.arange(1, labels.shape[1], dtype="int32")
    repeats = ops.logical_and(ops.equal(labels[:, 1:], labels[:, :-1]), ops.less(steps[None, :], label_length[:, None]))
    needed = label_length + ops.sum(ops.cast(repeats, "int32"), axis=1)
    feasible = ops.less_equal(needed, input_length)
    safe_length = ops.where(feasible, label_length, ops.zeros_like(label_length))
    short = logits.shape[1] is not None and logits.shape[1] <= _UNROLL_STEPS
    if keras.backend.backend() == "jax" and short and not jax_is_compiling(logits):
        values = _ctc_unrolled(labels, safe_length, logits, input_length, blank)
    else:
        values = ops.ctc_loss(labels, logits, safe_length, input_length, mask_index=blank)
    values = ops.cast(values, logits.dtype)
    fill = ops.where(bad, math.nan, 0.0 if zero_infinity else math.inf)  # (N,): one where on the values
    return ops.where(ops.logical_and(feasible, ops.logical_not(bad)), values, ops.cast(fill, values.dtype))


def _log_probabilities(y_pred: Any) -> Any:
    """Keras 2's input to TF's CTC: ``log(p + epsilon)`` (the op's log-softmax then renormalises)."""
    return ops.log(y_pred + epsilon())


@checked(blank=integer, from_logits=boolean, zero_infinity=boolean, length_normalized=boolean)
def ctc(
    y_true: Any,
    y_pred: Any,
    *,
    blank: int = 0,
    from_logits: bool = True,
    zero_infinity: bool = False,
    length_normalized: bool = False,
    input_length: Any = None,
) -> Any:
    """Connectionist temporal classification: the negative log-likelihood of the label sequence.

    The probability of a label sequence is the sum, over every alignment of it
    to the ``T_n`` input steps (each label repeated, blanks between and around,
    a blank between two equal labels), of the product of the per-step
    probabilities. Built on ``keras.ops.ctc_loss`` (native kernels on
    TensorFlow and torch), with one answer on every backend where they differ.

    Formula:
        ``p = softmax(y_pred)`` (``from_logits=True``) or ``p ∝ y_pred + 1e-7``;
        ``loss_n = -log Σ_{π ∈ B⁻¹(y_n)} Π_t p[n, t, π_t]`` over the first ``T_n`` steps,
        where ``B`` merges repeats, then drops blanks. Divided by ``max(|y_n|, 1)``
        with ``length_normalized=True`` (the default reduction is then PyTorch's
        ``reduction="mean"``). An impossible alignment (``|y_n|`` plus its repeats
        ``> T_n``) is ``inf``, or ``0`` with a zero gradient when ``zero_infinity``.

    Shape:
        y_true: ``(N, S)`` labels in ``[0, C)`` other than ``blank``, padded at the end
        with ``-1``. y_pred: ``(N, T, C)``. Output: ``(N,)``. Input lengths: the count of
        the Keras mask of ``y_pred`` where it has one (or ``input_length``), else ``T``.

    Args:
        blank: the blank class; negative values count from the end (``-1`` is the
            last class, Keras 2's and TF1's blank).
        from_logits: whether ``y_pred`` are logits (log-softmax over classes) or
            probabilities (entered as Keras 2 did: ``log(y_pred + 1e-7)``, then the op's log-softmax).
        zero_infinity: give impossible alignments the value 0 and a zero gradient (PyTorch's option).
        length_normalized: divide each value by its label length (at least 1).
        input_length: ``(N,)`` integer input lengths; overrides the mask.

    Examples:
        >>> import numpy as np, keras_losses
        >>> logits = np.zeros((1, 3, 3), "float32")  # uniform over {blank, 1, 2}
        >>> round(float(keras_losses.ctc([[1, 2]], logits)[0]), 4)  # 5 alignments of 27
        1.6864
        >>> float(keras_losses.ctc([[1, 1, 1]], logits)[0])  # needs 5 steps
        inf

    References:
        Graves et al., "Connectionist Temporal Classification", ICML 2006.
        ``torch.nn.functional.ctc_loss``; ``tf.nn.ctc_loss``; ``optax.ctc_loss``; ``keras.losses.ctc``.
    """
    mask = get_keras_mask(y_pred) if input_length is None else None
    y_pred = float_tensor(y_pred)
    _check_scores(y_pred)
    num_classes = y_pred.shape[-1]
    blank = _blank_index(blank, num_classes)
    labels = label_rows(y_true, num_classes, blank)
    _check_batch(labels.values, y_pred)
    input_length = _input_lengths(y_pred, input_length, mask)
    logits = y_pred if from_logits else _log_probabilities(y_pred)
    values = _ctc_values(labels.values, labels.length, logits, input_length, blank, zero_infinity, labels.bad)
    if length_normalized:
        values = values / ops.cast(ops.maximum(labels.length, 1), values.dtype)
    return values


def ctc_batch_cost(y_true: Any, y_pred: Any, input_length: Any, label_length: Any) -> Any:
    """Keras 2's ``keras.backend.ctc_batch_cost``, on every backend.

    Exactly what Keras 2 computed (``tf.compat.v1.nn.ctc_loss`` on
    ``log(y_pred + 1e-7)``), so Keras 2 OCR code runs unchanged; an impossible
    alignment is ``inf`` with a zero gradient, as in :func:`ctc`.

    Args:
        y_true: ``(N, S)`` labels; entries past ``label_length`` are ignored.
        y_pred: ``(N, T, C)`` probabilities (a softmax output); the blank is the last class.
        input_length: ``(N, 1)`` integer lengths of ``y_pred``.
        label_length: ``(N, 1)`` integer lengths of ``y_true``.

    Returns:
        ``(N, 1)``: each sample's CTC loss.
    """
    y_pred = float_tensor(y_pred)
    _check_scores(y_pred)
    num_classes = y_pred.shape[-1]
    labels = to_tensor(y_true)
    label_length = ops.cast(ops.reshape(to_tensor(label_length), (-1,)), "int32")
    input_length = ops.cast(ops.reshape(to_tensor(input_length), (-1,)), "int32")
    inside = ops.less(ops.arange(labels.shape[1], dtype="int32")[None, :], label_length[:, None])
    labels = label_rows(ops.where(inside, labels, ops.full_like(labels, PAD)), num_classes, num_classes - 1)
    _check_batch(labels.values, y_pred)
    log_probabilities = _log_probabilities(y_pred)
    values = _ctc_values(
        labels.values, labels.length, log_probabilities, input_length, num_classes - 1, False, labels.bad
    )
    return ops.expand_dims(values, -1)


def collapse_repeats(sequences: Any, blank: int | None = None) -> Any:
    """Merge runs of equal entries, drop ``blank`` (and ``-1``), and move what is left to the front.

    ``(N, T)`` integers in, ``(N, T)`` int32 out, padded with ``-1``: CTC's
    best-path decoding once ``sequences`` is the argmax of each step.
    """
    sequences = ops.cast(sequences, "int32")
    steps = sequences.shape[1]
    previous = ops.concatenate([ops.full_like(sequences[:, :1], PAD), sequences[:, :-1]], axis=1)
    keep = ops.logical_and(ops.not_equal(sequences, previous), ops.not_equal(sequences, PAD))
    if blank is not None:
        keep = ops.logical_and(keep, ops.not_equal(sequences, blank))
    position = ops.arange(steps, dtype="int32")[None, :]
    order = ops.argsort(ops.where(keep, position, position + steps), axis=1)
    kept = ops.take_along_axis(ops.where(keep, sequences, ops.full_like(sequences, PAD)), order, axis=1)
    return kept


def ctc_decode(
    y_pred: Any, input_length: Any, greedy: bool = True, beam_width: int = 100, top_paths: int = 1
) -> tuple[list[Any], Any]:
    """Keras 2's ``keras.backend.ctc_decode``, on every backend.

    Greedy (best path: argmax per step, repeats merged, blanks dropped) or beam
    search over ``log(y_pred + 1e-7)``, the blank being the last class, as
    Keras 2 called ``tf.nn.ctc_greedy_decoder`` and
    ``tf.compat.v1.nn.ctc_beam_search_decoder`` (whose ``merge_repeated=True``
    also merges equal neighbours of a decoded beam).

    Args:
        y_pred: ``(N, T, C)`` probabilities (a softmax output).
        input_length: ``(N,)`` (or ``(N, 1)``) integer lengths of ``y_pred``.
        greedy: best-path decoding; else beam search.
        beam_width: the beam search's width.
        top_paths: how many paths the beam search returns.

    Returns:
        ``(decoded, log_prob)``: a list of ``top_paths`` int32 tensors ``(N, T)``
        padded with ``-1``, and ``(N, top_paths)`` log-probabilities (beam search)
        or ``(N, 1)`` negated sums of the best log-probabilities (greedy).
    """
    y_pred = float_tensor(y_pred)
    _check_scores(y_pred)
    blank = y_pred.shape[-1] - 1
    input_length = ops.cast(ops.reshape(to_tensor(input_length), (-1,)), "int32")
    decoded, log_prob = ops.ctc_decode(
        _log_probabilities(y_pred),
        input_length,
        strategy="greedy" if greedy else "beam_search",
        beam_width=beam_width,
        top_paths=1 if greedy else top_paths,
        merge_repeated=True,
        mask_index=blank,
    )
    paths = [decoded[i] for i in range(decoded.shape[0])]
    if not greedy:
        paths = [collapse_repeats(path) for path in paths]
    return paths, log_prob


# --- edit distances -----------------------------------------------------------------------------------


def _soft_edit_table(
    diagonal_cost: Any, len1: Any, len2: Any, rows: int, cols: int, temperature: float, dtype: Any
) -> Any:
    """``D[len1, len2]`` of the soft edit-distance table, one anti-diagonal at a time (batched).

    ``D[i, 0] = i``, ``D[0, j] = j``, ``D[i, j] = softmin(D[i-1, j] + 1, D[i, j-1] + 1,
    D[i-1, j-1] + cost(i, j))`` with ``softmin(x) = -τ logsumexp(-x / τ)``.
    Anti-diagonal ``k`` holds ``D[i, k - i]`` for ``i = 0..rows``;
    ``diagonal_cost(k)`` gives ``cost(i, k - i)`` there (any finite value
    outside the table). ``rows + cols`` steps of a few ops on ``(N, rows + 1)``.
    """
    target = len1 + len2
    index = ops.arange(rows + 1, dtype="int32")[None, :]
    pick = ops.cast(ops.equal(index, len1[:, None]), dtype)
    far = ops.full_like(pick, _FAR)
    previous = ops.where(ops.equal(index, 0), ops.zeros_like(pick), far)
    current = ops.where(ops.less_equal(index, 1), ops.ones_like(pick), far)
    result = ops.cast(ops.minimum(target, 1), dtype)  # D on the anti-diagonals 0 and 1
    for k in range(2, rows + cols + 1):
        up = ops.concatenate([far[:, :1], current[:, :-1]], axis=1)  # D[i-1, j]
        diagonal = ops.concatenate([far[:, :1], previous[:, :-1]], axis=1) + diagonal_cost(k)  # D[i-1, j-1]
        stacked = ops.stack([up + 1.0, current + 1.0, diagonal], axis=-1)
        cell = -temperature * ops.logsumexp(-stacked / temperature, axis=-1)
        border = ops.logical_or(ops.equal(index, 0), ops.equal(index, k))
        cell = ops.where(border, ops.full_like(cell, float(k)), cell)
        result = ops.where(ops.equal(target, k), ops.sum(cell * pick, axis=1), result)
        previous, current = current, cell
    return result


def _diagonal_positions(k: int, rows: int, cols: int) -> Any:
    """``(rows + 1,)`` int32: the flat position ``(i-1) * cols + (j-1)`` of cell ``(i, j = k - i)`` of
    anti-diagonal ``k`` in a ``(rows, cols)`` cost matrix (0 outside it). Keras ops, not NumPy, so that
    ``torch.compile`` traces it whole."""
    i = ops.arange(rows + 1, dtype="int32")
    j = k - i
    inside = ops.logical_and(ops.logical_and(i >= 1, j >= 1), j <= cols)
    return ops.where(inside, (i - 1) * cols + (j - 1), ops.zeros_like(i))


def _word() -> tuple[str, int]:
    """The widest integer the backend computes with, and its bits: int64, but int32 on JAX without x64."""
    if keras.backend.backend() == "jax":
        probe = ops.convert_to_tensor(np.zeros(1, np.int64))  # without x64 JAX makes it int32, silently
        if keras.backend.standardize_dtype(probe.dtype) != "int64":
            return "int32", 32
    return "int64", 64


def _match_words(truth: Any, hypothesis: Any, word: str, bits: int) -> Any:
    """``(S2, N, W)`` words: bit ``i`` of word ``w`` at ``[j, n]`` is ``truth[n, w * bits + i] == hypothesis[n, j]``.

    ``truth`` has ``W * bits`` columns. One comparison per cell, as a byte (0
    or 1); each run of ``L = bits / 8`` bytes is read as one word
    (little-endian), and a multiplication gathers bit ``8k`` (byte ``k``) into
    the top byte, at bit ``bits - 8 + k``: its partial products
    ``8k + bits - 8 - 7j`` are distinct, so nothing carries. The top bytes, read
    together, are the words (two 4-bit halves to a byte for 32-bit words).
    Few full-size tensors: each is a fresh allocation, and their page faults
    cost as much as the arithmetic.
    """
    lanes = bits // 8
    same = ops.cast(ops.equal(truth[None, :, :], ops.transpose(hypothesis)[:, :, None]), "uint8")  # (S2, N, S1)
    runs = ops.view(same, word)  # (S2, N, S1 / L): byte k of run g is row L g + k
    gather = sum(1 << (bits - 8 - 7 * j) for j in range(lanes))
    top = ops.view(runs * gather, "uint8")[..., lanes - 1 :: lanes]  # (S2, N, S1 / L): rows L g .. L g + L - 1
    if lanes == 4:  # two runs of 4 rows to a byte
        top = top[..., 0::2] | (top[..., 1::2] * 16)
    return ops.view(ops.copy(top), word)  # a contiguous copy: 8 bytes of 8 rows make a 64-bit word


def _token_range(truth: Any, hypothesis: Any) -> tuple[int, int] | None:
    """The least and greatest token, read from the device; ``None`` unless they are whole numbers to read now.

    One read of a few reductions (eager only: under ``jit`` or ``torch.compile``
    the values are not there). Floats count when every token is a whole finite
    number (the labels a model's float targets hold).
    """
    dtype = keras.backend.standardize_dtype(truth.dtype)
    if not ("int" in dtype or "float" in dtype) or not (holds_values(truth) and holds_values(hypothesis)):
        return None
    reads = [ops.min(truth), ops.min(hypothesis), ops.max(truth), ops.max(hypothesis)]  # in the tokens' dtype
    if "float" in dtype:
        whole = ops.logical_and(
            ops.all(ops.equal(ops.floor(truth), truth)), ops.all(ops.equal(ops.floor(hypothesis), hypothesis))
        )
        reads.append(ops.cast(whole, dtype))
    values = ops.convert_to_numpy(ops.stack(reads))
    if "float" in dtype and not (values[4] and np.all(np.isfinite(values[:4]))):
        return None
    return int(min(values[:2])), int(max(values[2:4]))  # Python ints: no overflow


def _eager_match_words(truth: Any, hypothesis: Any, word: str, bits: int) -> Any:
    """:func:`_match_words` eagerly: looked up in a table of each token's words when the tokens span few values.

    Whole-number tokens whose span ``V`` makes a table ``(N, V, W)`` no larger
    than the ``N S1 S2`` comparisons: each truth row adds its bit to its token's
    words (one scatter; the bits are distinct, so adding is or-ing), each
    hypothesis column reads its token's words (one gather): ``N S1`` work
    instead of ``N S1 S2``, at the cost of one read from the device. Else
    (fractions, tokens far apart, traced values) the comparisons, a few columns
    at a time, so that they stay in cache and their buffers are reused.
    """
    samples, rows = truth.shape
    cols, blocks = hypothesis.shape[1], rows // bits
    token_range = _token_range(truth, hypothesis)
    if token_range is not None:
        low, high = token_range
        span = 1 << (high - low).bit_length()  # a power of two >= high - low + 1: few shapes for JAX to compile
        table_fits = span * blocks * 8 <= rows * cols  # its bytes, against the comparisons'
        index_fits = abs(low) + samples * span * blocks < 2 ** (bits - 1)  # flat indices are signed words
    if token_range is None or not (table_fits and index_fits):
        size = max(1, 512 // rows)
        slices = [_match_words(truth, hypothesis[:, i : i + size], word, bits) for i in range(0, cols, size)]
        return ops.concatenate(slices, axis=0)
    row = np.arange(rows)
    row_bit = ops.convert_to_tensor(np.left_shift(np.ones(rows, word), row % bits))  # the top bit wraps to the sign
    updates = ops.reshape(ops.broadcast_to(row_bit, (samples, rows)), (-1,))
    # Flat index of sample n, token t, block w: (n * span + t - low) * blocks + w.
    sample_origin = ops.convert_to_tensor(np.arange(samples) * span - low, word)
    index = ops.cast(truth, word) + sample_origin[:, None]
    if blocks > 1:
        index = index * blocks + ops.convert_to_tensor(row // bits, word)
    table = ops.zeros((samples * span * blocks,), word)
    table = ops.scatter_update(table, ops.reshape(index, (-1, 1)), updates, reduction="add")
    read = ops.cast(ops.transpose(hypothesis), word) + sample_origin  # (S2, N)
    if blocks > 1:
        read = read[:, :, None] * blocks + ops.arange(blocks, dtype=word)
    return ops.reshape(ops.take(table, read), (cols, samples, blocks))


def _popcount(x: Any, bits: int) -> Any:
    """The number of set bits of each ``word`` in ``x`` (SWAR; the masks undo the sign-extending shifts)."""
    ones = sum(1 << i for i in range(0, bits, 2))  # 0x5555...
    x = x - (ops.right_shift(x, 1) & ones)
    twos = sum(3 << i for i in range(0, bits, 4))  # 0x3333...
    x = (x & twos) + (ops.right_shift(x, 2) & twos)
    x = (x + ops.right_shift(x, 4)) & sum(15 << i for i in range(0, bits, 8))  # a count per byte
    return ops.right_shift(x * sum(1 << i for i in range(0, bits, 8)), bits - 8)  # their sum, in the top byte


def _levenshtein(truth: Any, truth_length: Any, hypothesis: Any, hypothesis_length: Any) -> Any:
    """``(N,)`` Levenshtein distances of padded rows, bit-parallel (Myers 1999, in blocks).

    A column of the table is kept as bit vectors over its rows: bit ``i`` of
    ``pv`` (``mv``) says ``D[i+1, j] - D[i, j]`` is +1 (-1). The next column
    costs a dozen bitwise ops on ``(N, W)`` words of ``bits`` rows each
    (``W = ceil(S1 / bits)``): ``S2`` small steps where the cell-by-cell
    programme takes ``S1 + S2`` steps on ``(N, S1)``. Blocks of one column meet
    only through the horizontal difference at their boundary, so they run as a
    wavefront (block ``w`` on column ``s - w`` at step ``s``), all in the same
    ops. Additions and shifts carry towards high bits only, so words may wrap:
    what lies above a row never reaches it. Each block's vectors are kept at
    column ``n`` (the hypothesis length): ``D[m, n] = n +`` the vertical
    differences of its rows below ``m``.

    Python operators rather than ``ops.bitwise_*`` in the loop: the same ops on
    every backend, at a third of the dispatch cost in eager torch.
    """
    word, bits = _word()
    rows = truth.shape[1]
    blocks = -(-rows // bits)
    if rows % bits:
        truth = ops.pad(truth, ((0, 0), (0, blocks * bits - rows)), constant_values=PAD)
    compiled = keras.backend.backend() == "tensorflow" or jax_is_compiling(truth)
    match = (
        _match_words(truth, hypothesis, word, bits) if compiled else _eager_match_words(truth, hypothesis, word, bits)
    )
    if blocks > 1:  # block w meets column s - w at step s; zeros before it: no change
        match = ops.stack([ops.pad(match[:, :, w], ((w, blocks - 1 - w), (0, 0))) for w in range(blocks)], axis=-1)
    block = ops.arange(blocks, dtype="int32")
    mv = ops.zeros_like(match[0])
    # The horizontal differences entering each block's top row: +1 into the first (D[0, j] = j).
    first = ops.cast(ops.equal(block, 0), word)[None, :] + mv
    nothing_above = mv[:, :1]  # the first block's top row has no -1 entering
    finished = hypothesis_length[:, None] + block  # block w has seen n columns after step n + w - 1

    def advance(state: tuple, column: Any) -> tuple:
        pv, mv, top_up, top_down = state
        xv = column | mv
        if blocks > 1:
            column = column | top_down  # a -1 entering from above acts as a match in the first row
        xh = (((column & pv) + pv) ^ pv) | column
        up = mv | ~(xh | pv)  # rows whose horizontal difference is +1 ...
        down = pv & xh  # ... and -1
        ph = (up + up) | top_up
        mh = down + down
        if blocks > 1:
            mh = mh | top_down
        pv = mh | ~(xv | ph)
        mv = ph & xv
        if blocks > 1:  # what leaves each block's last row enters the next block's first
            top_up = ops.concatenate([first[:, :1], ops.cast(ops.less(up, 0), word)[:, :-1]], axis=1)
            top_down = ops.concatenate([nothing_above, ops.cast(ops.less(down, 0), word)[:, :-1]], axis=1)
        return pv, mv, top_up, top_down

    state = (~mv, mv, first, mv)  # D[i, 0] = i: every vertical difference is +1
    if compiled:  # a loop compiles in seconds where the unrolled steps take minutes

        def body(step: Any, carry: tuple) -> tuple:
            state = advance(carry[:4], match[step])
            done = ops.equal(finished, step + 1)
            return (*state, ops.where(done, state[0], carry[4]), ops.where(done, state[1], carry[5]))

        pv, mv = ops.fori_loop(0, match.shape[0], body, (*state, state[0], state[1]))[4:]
    else:  # eager: a Python loop has the least dispatch per step, and one gather picks each row's column n
        pvs, mvs = [state[0]], [state[1]]
        for column in ops.unstack(match, axis=0):
            state = advance(state, column)
            pvs.append(state[0])
            mvs.append(state[1])
        # pv after k steps is entry k, mv entry len(pvs) + k: one stack and one gather for both.
        kept = ops.take_along_axis(ops.stack(pvs + mvs), ops.stack([finished, finished + len(pvs)]), axis=0)
        pv, mv = kept[0], kept[1]
    # Rows below m = truth_length in block w: bits [0, m - w * bits), clipped to [0, bits].
    below = ops.clip(truth_length[:, None] - block * bits, 0, bits)
    low = ops.left_shift(ops.ones_like(below, dtype=word), ops.cast(ops.minimum(below, bits - 1), word)) - 1
    low = ops.where(ops.equal(below, bits), ops.full_like(low, -1), low)  # every bit
    vertical = _popcount(pv & low, bits) - _popcount(mv & low, bits)
    return hypothesis_length + ops.cast(ops.sum(vertical, axis=1), "int32")


def _common_token_dtype(a: Any, b: Any) -> str:
    """The dtype two token tensors are compared in.

    Integers: the narrowest integer that holds both (NumPy's rule; Keras's gives
    int32 for int64 on torch and JAX, which wraps tokens), as 32 bits on JAX
    without x64, where int64 cannot be (a uint32 read as int32 stays distinct).
    Written without NumPy's promotion, which ``torch.compile`` cannot trace.
    Else Keras's promotion.
    """
    a, b = keras.backend.standardize_dtype(a), keras.backend.standardize_dtype(b)
    if "int" not in a or "int" not in b:
        return keras.backend.result_type(a, b)
    (a_signed, a_bits), (b_signed, b_bits) = ((not d.startswith("u"), int(d.split("int")[1])) for d in (a, b))
    if a_signed == b_signed:
        common = a if a_bits >= b_bits else b
    else:  # a signed integer wider than the unsigned one, or twice the unsigned one's bits
        signed_bits, unsigned_bits = (a_bits, b_bits) if a_signed else (b_bits, a_bits)
        common = f"int{signed_bits if signed_bits > unsigned_bits else min(2 * unsigned_bits, 64)}"
    return "int32" if _word()[1] == 32 and common.endswith("64") else common


@checked(normalize=boolean)
def edit_distance(y_true: Any, y_pred: Any, *, normalize: bool = True) -> Any:
    """Levenshtein distance between padded sequences, as ``tf.edit_distance`` computes it.

    The least number of insertions, deletions and substitutions that turn the
    hypothesis ``y_pred`` into the truth ``y_true``, vectorised over the batch
    (bit-parallel: Myers's algorithm, 64 rows to a word). Not differentiable: it is
    piecewise constant in ``y_pred``, so its gradient is 0 (exactly, everywhere):
    use it to monitor (or as the metric :class:`keras_losses.metrics.EditDistance`),
    and train with :class:`CTC` or :class:`SoftEditDistance`.

    Formula:
        ``d_n = lev(y_true[n, :S1_n], y_pred[n, :S2_n])``; with ``normalize``,
        ``d_n / S1_n``, where an empty truth gives ``tf.edit_distance``'s answer:
        ``inf`` for a non-empty hypothesis, ``0`` for an empty one.

    Shape:
        y_true: ``(N, S1)``, y_pred: ``(N, S2)``, token sequences padded at the end
        with ``-1`` (any other value is a token, compared as it is, in the two
        inputs' common dtype: integers stay exact). Output: ``(N,)``.

    Args:
        normalize: divide by the length of the truth.

    Examples:
        >>> import keras_losses
        >>> [float(v) for v in keras_losses.edit_distance([[1, 2, 3], [4, -1, -1]], [[1, 3, -1], [5, 6, 7]])]
        [0.3333333432674408, 3.0]
        >>> [float(v) for v in keras_losses.edit_distance([[1, 2, 3]], [[1, 3, -1]], normalize=False)]
        [1.0]

    References:
        Levenshtein, "Binary codes capable of correcting deletions, insertions and reversals", 1966.
        Myers, "A fast bit-vector algorithm for approximate string matching based on dynamic
        programming", JACM 1999 (the bit-parallel columns, and their blocks).
        ``tf.edit_distance``; the ``editdistance`` package.
    """
    y_pred = to_tensor(y_pred)
    truth = label_rows(y_true, tokens=True)
    hypothesis = label_rows(y_pred, tokens=True)
    _check_batch(truth.values, hypothesis.values)
    if truth.values.shape[0] == 0 or truth.values.shape[1] * hypothesis.values.shape[1] == 0:  # the other's length
        distance = truth.length + hypothesis.length
    else:  # tokens compared in their common dtype: integers stay exact
        common = _common_token_dtype(truth.values.dtype, hypothesis.values.dtype)
        truth_values, hyp_values = ops.cast(truth.values, common), ops.cast(hypothesis.values, common)
        distance = _levenshtein(truth_values, truth.length, hyp_values, hypothesis.length)
    scores = keras.backend.is_float_dtype(y_pred.dtype)  # a model's output: keep it linked (zero gradient)
    dtype = y_pred.dtype if scores else keras.backend.floatx()
    distance = ops.cast(distance, dtype)
    if normalize:
        length = ops.cast(truth.length, dtype)
        empty = ops.where(ops.equal(distance, 0), ops.zeros_like(distance), ops.full_like(distance, math.inf))
        distance = ops.where(ops.equal(length, 0), empty, distance / ops.maximum(length, 1.0))
    distance = nan_where(ops.logical_or(truth.bad, hypothesis.bad), distance)
    return with_zero_gradient(distance, y_pred) if scores else distance


@checked(temperature=positive)
def soft_edit_distance(y_true: Any, y_pred: Any, *, temperature: float = 1.0, input_length: Any = None) -> Any:
    """A differentiable edit distance between label sequences and per-step class probabilities.

    The edit-distance table with the substitution cost ``1 - p_t[y_s]`` and
    the minimum replaced by a soft minimum, so that every cell, and the loss, is
    smooth in ``y_pred``. The soft minimum is below the minimum, so the value
    can be below the edit distance of the best path (and is not normalised); as
    ``temperature → 0`` with one-hot ``y_pred`` it tends to the edit distance
    between the labels and the per-step argmax.

    Formula:
        ``D[s, 0] = s``, ``D[0, t] = t``,
        ``D[s, t] = softmin(D[s-1, t] + 1, D[s, t-1] + 1, D[s-1, t-1] + 1 - y_pred[t-1, y_true[s-1]])``
        with ``softmin(x) = -τ log Σ exp(-x / τ)``; ``loss_n = D[S_n, T_n]``.

    Shape:
        y_true: ``(N, S)`` labels in ``[0, C)`` padded at the end with ``-1``.
        y_pred: ``(N, T, C)`` probabilities; ``T_n`` from the Keras mask of ``y_pred``
        (or ``input_length``), else ``T``. Output: ``(N,)``.

    Args:
        temperature: the soft minimum's temperature ``τ > 0``.
        input_length: ``(N,)`` integer lengths of ``y_pred``; overrides the mask.

    Examples:
        >>> import numpy as np, keras_losses
        >>> one_hot = np.eye(3, dtype="float32")[[[1, 2, 2]]]  # predicts 1, 2, 2
        >>> float(keras_losses.edit_distance([[1, 2]], [[1, 2, 2]], normalize=False)[0])
        1.0
        >>> round(float(keras_losses.soft_edit_distance([[1, 2]], one_hot, temperature=0.01)[0]), 3)  # soft: below
        0.993

    References:
        Ofitserov et al., "Soft edit distance for differentiable comparison of symbolic sequences", 2019.
        Cuturi & Blondel, "Soft-DTW", ICML 2017 (the soft minimum).
    """
    mask = get_keras_mask(y_pred) if input_length is None else None
    y_pred = float_tensor(y_pred)
    _check_scores(y_pred)
    labels = label_rows(y_true, y_pred.shape[-1])
    _check_batch(labels.values, y_pred)
    input_length = _input_lengths(y_pred, input_length, mask)
    rows, cols = labels.values.shape[1], y_pred.shape[1]
    # cost[n, s, t] = 1 - y_pred[n, t, y_true[n, s]], flattened for the anti-diagonal gathers.
    index = ops.maximum(labels.values, 0)  # the padding's cells are never read
    gathered = ops.take_along_axis(y_pred, ops.repeat(index[:, None, :], cols, axis=1), axis=2)
    cost = ops.reshape(1.0 - ops.transpose(gathered, (0, 2, 1)), (-1, rows * cols))

    def diagonal_cost(k: int) -> Any:
        return ops.take(cost, _diagonal_positions(k, rows, cols), axis=1)

    if rows * cols == 0:  # no table, D[len1, len2] = len1 + len2: tied to y_pred (zero gradient, NaN stays NaN)
        distance = ops.cast(labels.length + input_length, y_pred.dtype) + ops.sum(y_pred, axis=(1, 2)) * 0.0
    else:
        distance = _soft_edit_table(diagonal_cost, labels.length, input_length, rows, cols, temperature, y_pred.dtype)
    return nan_where(labels.bad, distance)


# --- classes ------------------------------------------------------------------------------------------


@register_loss("ctc", "ctc_loss")
class CTC(Loss):
    """Connectionist temporal classification loss; see :func:`ctc`.

    Keras's ``CTC`` with a choice of blank, probabilities or logits, PyTorch's
    ``zero_infinity`` and length normalisation, ``-1``-padded labels of any
    length, and input lengths from the Keras mask of the predictions.
    ``compile(loss="ctc")`` keeps Keras's own ``CTC`` (a string Keras owns);
    ``loss="ctc_loss"`` or ``keras_losses.get("ctc")`` give this one.

    Examples:
        >>> import numpy as np, keras_losses
        >>> loss = keras_losses.CTC(length_normalized=True)
        >>> round(float(loss([[1, 2], [1, -1]], np.zeros((2, 3, 3), "float32"))), 4)  # torch's "mean"
        1.1736
    """

    function = ctc
    takes_class_indices = True
    takes_input_mask = True

    def __init__(
        self,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "ctc",
        dtype: Any = None,
        *,
        blank: int = 0,
        from_logits: bool = True,
        zero_infinity: bool = False,
        length_normalized: bool = False,
    ):
        super().__init__(
            blank=blank,
            from_logits=from_logits,
            zero_infinity=zero_infinity,
            length_normalized=length_normalized,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )

    def call(self, y_true: Any, y_pred: Any, mask: Any = None) -> Any:
        input_length = None if mask is None else _lengths(y_pred, mask)
        return ctc.unchecked(y_true, y_pred, input_length=input_length, **self._options)


@register_loss("edit_distance", "levenshtein")
class EditDistance(Loss):
    """Levenshtein distance between padded token sequences; see :func:`edit_distance`.

    Not differentiable (its gradient is exactly 0): for monitoring, or use
    :class:`keras_losses.metrics.EditDistance` in ``compile(metrics=...)``.

    Examples:
        >>> import keras_losses
        >>> loss = keras_losses.EditDistance(normalize=False, reduction="sum")
        >>> float(loss([[1, 2, 3], [4, -1, -1]], [[1, 3, -1], [5, 6, 7]]))
        4.0
    """

    function = edit_distance
    takes_class_indices = True

    def __init__(
        self,
        normalize: bool = True,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "edit_distance",
        dtype: Any = None,
    ):
        super().__init__(normalize=normalize, reduction=reduction, name=name, dtype=dtype)


@register_loss("soft_edit_distance")
class SoftEditDistance(Loss):
    """Differentiable soft edit distance; see :func:`soft_edit_distance`.

    Examples:
        >>> import numpy as np, keras_losses
        >>> one_hot = np.eye(3, dtype="float32")[[[1, 2, 2]]]
        >>> round(float(keras_losses.SoftEditDistance(temperature=0.01)([[1, 2]], one_hot)), 3)
        0.993
    """

    function = soft_edit_distance
    takes_class_indices = True
    takes_input_mask = True

    def __init__(
        self,
        temperature: float = 1.0,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "soft_edit_distance",
        dtype: Any = None,
    ):
        super().__init__(temperature=temperature, reduction=reduction, name=name, dtype=dtype)

    def call(self, y_true: Any, y_pred: Any, mask: Any = None) -> Any:
        input_length = None if mask is None else _lengths(y_pred, mask)
        return soft_edit_distance.unchecked(y_true, y_pred, input_length=input_length, **self._options)
