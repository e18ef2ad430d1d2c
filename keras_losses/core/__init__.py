"""Shared machinery of keras_losses: base class, reductions, validation, registry."""
