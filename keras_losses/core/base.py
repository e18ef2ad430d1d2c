"""The base class of every keras_losses loss."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ClassVar

import keras
import numpy as np
from keras import ops

from keras_losses.core._keras_internals import get_keras_mask, scale_loss_for_distribution
from keras_losses.core.composite import LossArithmetic
from keras_losses.core.reduction import PER_REPLICA_MEANS, check_reduction, reduce_loss
from keras_losses.core.validation import to_tensor

_HALF_DTYPES = ("float16", "bfloat16")


def _to_config_value(value: Any) -> Any:
    """Options as JSON-friendly Python values (arrays and tuples to lists)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    if isinstance(value, tuple):
        return [_to_config_value(v) for v in value]
    if hasattr(value, "shape") and hasattr(value, "dtype"):  # a backend tensor
        return ops.convert_to_numpy(value).tolist()
    return value


def _nested_numbers_as_array(x: Any) -> Any:
    """Nested lists of plain numbers are one array; lists of arrays stay a structure (multi-input losses)."""
    if isinstance(x, (list, tuple)) and all(isinstance(v, (int, float, np.number)) for v in keras.tree.flatten(x)):
        return np.asarray(x)
    return x


class Loss(LossArithmetic, keras.losses.Loss):
    """A ``keras.losses.Loss`` made of a pure loss function and its options.

    A family module writes the function (returning unreduced, per-sample
    values) and a thin subclass that sets :attr:`function` and passes its
    options to ``__init__``. This class owns everything else, once:

    - option validation at construction (the function's ``validate_options``);
    - dtype: inputs are converted to the loss's ``dtype``; half-precision
      dtypes (``float16``, ``bfloat16``) are computed and returned in
      ``float32``, as ``torch.autocast`` does for losses, so that no loss
      overflows or loses its gradient in half precision;
    - Keras masks, ``sample_weight`` and every reduction of
      :mod:`keras_losses.core.reduction`, means divided by the number of
      replicas under ``tf.distribute`` as Keras's own losses are (so that the
      gradients summed over replicas are the gradient of the global mean);
    - ``get_config`` (complete, ``dtype`` included) and ``from_config``;
    - arithmetic: ``loss_a + 0.5 * loss_b`` is a :class:`CompositeLoss`.
    """

    #: The pure loss function ``f(y_true, y_pred, **options)``.
    function: ClassVar[Callable[..., Any]]
    #: Whether ``y_true`` holds class indices: labels are then never converted to
    #: the loss's dtype (float16 would round labels above 2048); the function
    #: checks and casts them (:func:`keras_losses.core.labels.class_labels`).
    takes_class_indices: ClassVar[bool] = False
    #: Whether a Keras mask on ``y_pred`` marks its valid time steps (a sequence loss's input
    #: lengths) rather than values to leave out of the reduction: :meth:`call` then receives it as
    #: ``mask=`` and the reduction is over every sample, as without a mask.
    takes_input_mask: ClassVar[bool] = False

    def element_weights(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        """``(weight, valid)``: per-value weights the function already applied, and a validity mask.

        ``weight`` (e.g. class weights of the labels) enters the denominator
        of ``"weighted_mean"`` and ``"sum_by_nonzero_weights"``; ``valid``
        (e.g. labels not equal to ``ignore_index``) acts as a Keras mask, so
        means are over the valid values. Both are ``None`` by default.
        """
        return None, None

    def __init__(
        self,
        *,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
        **options: Any,
    ) -> None:
        validate = getattr(type(self).function, "validate_options", None)
        if validate is not None:
            validate(**options)
        super().__init__(name=name or type(self).function.__name__, reduction="none", dtype=dtype)
        self.reduction = check_reduction(reduction)
        self._options = options

    @property
    def options(self) -> dict[str, Any]:
        """The loss's own options (everything but reduction, name, dtype)."""
        return dict(self._options)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        function = type(self).function
        # The options were checked at construction: call the function without its checks.
        return getattr(function, "unchecked", function)(y_true, y_pred, **self._options)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        in_mask = get_keras_mask(y_pred) if not isinstance(y_pred, (tuple, list)) else None
        dtype = "float32" if self.dtype in _HALF_DTYPES else self.dtype

        def convert(x: Any) -> Any:
            # Rounded to the loss's dtype, as in Keras; half precision then computes in float32.
            x = to_tensor(x, dtype=self.dtype)
            return ops.cast(x, dtype) if dtype != self.dtype else x

        with keras.name_scope(self.name):
            y_pred = keras.tree.map_structure(convert, _nested_numbers_as_array(y_pred))
            y_true = keras.tree.map_structure(
                to_tensor if self.takes_class_indices else convert, _nested_numbers_as_array(y_true)
            )
            if self.takes_input_mask:
                values, in_mask = self.call(y_true, y_pred, mask=in_mask), None
            else:
                values = self.call(y_true, y_pred)
            element_weight, valid = self.element_weights(y_true, y_pred)
            mask = None
            for m in (in_mask, get_keras_mask(values), valid):
                if m is not None:
                    mask = m if mask is None else ops.logical_and(mask, m)
            loss = reduce_loss(
                values,
                sample_weight=sample_weight,
                mask=mask,
                reduction=self.reduction,
                element_weight=element_weight,
            )
            if self.reduction in PER_REPLICA_MEANS and len(loss.shape) == 0:
                loss = scale_loss_for_distribution(loss)
            return loss

    def get_config(self) -> dict[str, Any]:
        config = {
            "name": self.name,
            "reduction": self.reduction,
            "dtype": self._dtype_policy.name,  # Keras's own get_config drops it
        }
        config.update({key: _to_config_value(value) for key, value in self._options.items()})
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        """Rebuild the loss from :meth:`get_config`; an unknown key is a ``ValueError`` naming it."""
        parameters = inspect.signature(cls.__init__).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
            known = [name for name in parameters if name != "self"]
            unknown = sorted(set(config) - set(known))
            if unknown:
                raise ValueError(
                    f"Unknown option(s) {', '.join(f'`{name}`' for name in unknown)} in the config of "
                    f"{cls.__name__}. Its options are: {', '.join(known)}."
                )
        return cls(**config)

    def __repr__(self) -> str:
        arguments = [f"{k}={v!r}" for k, v in self._options.items()]
        arguments += [f"reduction={self.reduction!r}", f"name={self.name!r}"]
        return f"{type(self).__name__}({', '.join(arguments)})"
