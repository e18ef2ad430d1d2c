"""The only places where keras_losses touches Keras internals.

Keras 3 exposes no public way to (1) add strings to the table that
``keras.losses.get`` (and so ``model.compile(loss="...")``) reads, (2) read
the Keras mask carried by a tensor, or (3) scale a mean loss for the replicas
of a ``tf.distribute`` strategy as Keras's own losses do. All three are
wrapped here, so that a change in a future Keras breaks one small module and
its tests (``tests/test_core.py``), not the library.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any


def keras_loss_table() -> dict[str, Any]:
    """Return the dict that ``keras.losses.get`` looks strings up in.

    Returns an empty dict, with a warning, if Keras no longer has it; string
    identifiers then only work through ``keras_losses.get``.
    """
    try:
        from keras.src import losses as keras_losses_module

        table = keras_losses_module.ALL_OBJECTS_DICT
    except (ImportError, AttributeError):  # pragma: no cover - future Keras
        warnings.warn(
            "keras_losses could not find keras.src.losses.ALL_OBJECTS_DICT; "
            "model.compile(loss='<alias>') will not know keras_losses aliases. "
            "Use keras_losses.get('<alias>') instead.",
            RuntimeWarning,
            stacklevel=2,
        )
        return {}
    if not isinstance(table, dict):  # pragma: no cover - future Keras
        return {}
    return table


def get_keras_mask(x: Any) -> Any:
    """The Keras mask of ``x`` (``None`` if it has none)."""
    try:
        from keras.src.backend import get_keras_mask as keras_get_mask
    except ImportError:  # pragma: no cover - future Keras
        return getattr(x, "_keras_mask", None)
    return keras_get_mask(x)


def set_keras_mask(x: Any, mask: Any) -> Any:
    """Attach a Keras mask to ``x`` (as ``keras.losses.circle`` does to its values); returns ``x``."""
    try:
        from keras.src.backend import set_keras_mask as keras_set_mask
    except ImportError:  # pragma: no cover - future Keras
        x._keras_mask = mask
        return x
    keras_set_mask(x, mask)
    return x


def scale_loss_for_distribution(value: Any) -> Any:
    """``value / num_replicas_in_sync`` under a ``tf.distribute`` strategy, as Keras scales its losses.

    Keras's TensorFlow trainer sums the replicas' gradients and multiplies the
    reported loss back, so a mean loss must be divided here to train and report
    as on one device. A no-op on JAX and torch (their data parallelism computes
    one global loss) and outside a strategy.
    """
    return _keras_scale_loss()(value)


def _keras_scale_loss() -> Any:
    """Keras's ``scale_loss_for_distribution``, or (with a warning, once) the identity if Keras moved it."""
    try:
        from keras.src.losses.loss import scale_loss_for_distribution
    except ImportError:  # pragma: no cover - future Keras
        if not _WARNED:
            _WARNED.append(True)
            warnings.warn(
                "keras_losses could not find keras.src.losses.loss.scale_loss_for_distribution: under "
                "tf.distribute, mean losses are no longer divided by the number of replicas (each replica's "
                "gradient counts in full). Train on one device or pin keras.",
                RuntimeWarning,
                stacklevel=3,
            )
        return lambda value: value
    return scale_loss_for_distribution


_WARNED: list[bool] = []


def drop_other_replicas_losses(layer: Any, value: Any) -> None:
    """Remove from ``layer``'s own ``add_loss`` list the losses of other ``tf.distribute`` replicas.

    ``MirroredStrategy`` builds each replica's step in its own thread, on the same
    layer objects, and switches threads at every cross-replica synchronisation.
    A layer that synchronises inside ``call`` (an all-reduce) and then calls
    ``add_loss`` lets the replicas resume one after the other, so a later replica
    finds the earlier one's loss (placed on the earlier replica's device) still
    in the shared list and would count it. Keras keeps that list in the private
    ``_losses``; if it moved, nothing is removed. Losses on ``value``'s own device
    (or with no device: every backend but TensorFlow's graphs) are kept.
    """
    device = getattr(value, "device", None)
    own = getattr(layer, "_losses", None)
    if not isinstance(device, str) or not device or not isinstance(own, list):
        return
    own[:] = [loss for loss in own if getattr(loss, "device", device) in (device, "")]


def jax_is_compiling(x: Any) -> bool:
    """Whether ``x`` is traced by ``jax.jit`` (under a gradient's tracer or not) rather than eager.

    Read from the tracer's class name, without importing JAX: a renamed class
    makes this ``False``, which only picks the eager formulation (same values).
    """
    while hasattr(x, "primal"):  # a gradient's tracer wraps the value it differentiates
        x = x.primal
    return type(x).__name__ == "DynamicJaxprTracer"


def holds_values(x: Any) -> bool:
    """Whether ``x``'s values can be read now: not traced by JAX (``jit``, ``grad``, ``vmap``) or ``torch.compile``.

    JAX's tracers are told by their class names; dynamo's by asking torch, which is
    already loaded when ``x`` is one of its tensors (never imported here).
    """
    if type(x).__name__.endswith("Tracer"):
        return False
    compiler = getattr(sys.modules.get("torch"), "compiler", None)
    return compiler is None or not compiler.is_compiling()
