"""Compatibility APIs of other libraries, written with ``keras.ops``."""

from keras_losses.compat import v1

__all__ = ["v1"]
