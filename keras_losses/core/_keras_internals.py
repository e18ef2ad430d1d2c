"""The only two places where keras_losses touches Keras internals.

Keras 3 exposes no public way to (1) add strings to the table that
``keras.losses.get`` (and so ``model.compile(loss="...")``) reads, or (2) read
the Keras mask carried by a tensor. Both are wrapped here, so that a change in
a future Keras breaks one small module and one test
(``tests/test_keras_hooks.py``), not the library.
"""

from __future__ import annotations

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
