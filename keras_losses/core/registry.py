"""One registry for every loss: classes, functions, aliases and strings.

:func:`register_loss` is the only way a loss enters keras_losses. It

1. registers the class and its function with
   ``keras.saving.register_keras_serializable(package="keras_losses")``, so
   ``.keras`` files save and load them;
2. records the class, its function and its aliases for :func:`get`;
3. adds every name that Keras does not already own to the string table of
   ``keras.losses.get``, so that ``model.compile(loss="smooth_l1")`` works.
   Names Keras owns (``"mse"``, ``"huber"``, ``"poisson"``, ...) keep meaning
   Keras's objects in ``compile``; ``keras_losses.get("huber")`` gives ours.

An alias may carry preset options (``"focal_tversky"`` is ``Tversky`` with
``alpha=0.3, beta=0.7, gamma=0.75``): :func:`get` and ``compile`` apply them,
and the loss they build stores them in its config like any other option.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import keras

from keras_losses.core._keras_internals import keras_loss_table

_PACKAGE = "keras_losses"


@dataclasses.dataclass(frozen=True)
class LossEntry:
    """A registered loss: its class, its function and its aliases."""

    cls: type
    function: Callable[..., Any]
    aliases: tuple[str, ...]
    #: Aliases that preset options: ``{alias: {option: value}}``.
    presets: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """Class name, function name, then aliases (presets last): every name :func:`get` takes."""
        names = (self.cls.__name__, self.function.__name__, *self.aliases, *self.presets)
        return tuple(dict.fromkeys(names))

    def build(self, name: str, **overrides: Any) -> Any:
        """An instance for ``name``: its preset options (if any), then ``overrides``."""
        return self.cls(**{**self.presets.get(name, {}), **overrides})


def _preset_factory(entry: LossEntry, name: str) -> type:
    """What ``keras.losses.get`` finds for a preset alias: a class, so Keras calls it with no
    arguments, whose instances are the loss with the preset options (a fresh one each time)."""

    def __new__(cls: type, **overrides: Any) -> Any:
        return entry.build(name, **overrides)

    return type(name, (), {"__new__": __new__, "__doc__": f"{entry.cls.__name__}(**{entry.presets[name]})"})


_ENTRIES: dict[str, LossEntry] = {}  # by class name, in registration order
_BY_NAME: dict[str, LossEntry] = {}  # every name of every entry
# Names in Keras's table before keras_losses added any: Keras owns these.
_KERAS_TABLE = keras_loss_table()
KERAS_OWNED_NAMES: frozenset[str] = frozenset(_KERAS_TABLE)


def register_loss(*aliases: str, presets: dict[str, dict[str, Any]] | None = None) -> Callable[[type], type]:
    """Class decorator that registers a loss class, its function, aliases and preset aliases."""

    def decorate(cls: type) -> type:
        function = cls.function
        entry = LossEntry(cls=cls, function=function, aliases=tuple(aliases), presets=dict(presets or {}))
        for name in entry.names:
            if name in _BY_NAME:
                raise ValueError(
                    f"Loss name {name!r} of {cls.__name__} is already taken by {_BY_NAME[name].cls.__name__}."
                )
        keras.saving.register_keras_serializable(package=_PACKAGE)(cls)
        keras.saving.register_keras_serializable(package=_PACKAGE, name=function.__name__)(function)
        _ENTRIES[cls.__name__] = entry
        for name in entry.names:
            _BY_NAME[name] = entry
            if name not in KERAS_OWNED_NAMES:
                _KERAS_TABLE[name] = _preset_factory(entry, name) if name in entry.presets else cls
        return cls

    return decorate


def entries() -> tuple[LossEntry, ...]:
    """Every registered loss, in registration order."""
    return tuple(_ENTRIES.values())


def names() -> tuple[str, ...]:
    """Every name :func:`get` resolves."""
    return tuple(_BY_NAME)


def get(identifier: Any, **overrides: Any) -> Any:
    """Resolve a loss from a name, a config or an object.

    Args:
        identifier: a class name, function name or alias of a registered loss
            (``"SmoothL1"``, ``"smooth_l1"``, ``"huber_loss"``; names that Keras
            also owns, such as ``"mse"``, resolve to keras_losses' loss); a
            config dict as written by ``keras.saving.serialize_keras_object``
            or by ``get_config()`` plus ``"class_name"``; a ``Loss`` instance;
            or any callable.
        **overrides: constructor arguments, e.g. ``reduction="sum"``.

    Returns:
        A ``keras.losses.Loss`` instance (callables are returned as they are).

    Raises:
        ValueError: for an unknown name, or overrides given with a callable.
    """
    if isinstance(identifier, str):
        entry = _BY_NAME.get(identifier)
        if entry is None:
            raise ValueError(f"Unknown loss {identifier!r}. Known names: {', '.join(sorted(_BY_NAME))}.")
        return entry.build(identifier, **overrides)
    if isinstance(identifier, dict):
        if "class_name" not in identifier:
            raise ValueError(f"A loss config needs a 'class_name' key, got keys {sorted(identifier)}.")
        config = dict(identifier.get("config", {}), **overrides)
        # Ours if registered under our package, or a bare {"class_name", "config"}.
        registered = identifier.get("registered_name") or ""
        if registered.startswith(_PACKAGE + ">"):
            class_name = registered.split(">", 1)[1]
        elif "module" not in identifier:
            class_name = identifier["class_name"]
        else:
            class_name = None
        if class_name in _ENTRIES:
            return _ENTRIES[class_name].cls.from_config(config)
        return keras.saving.deserialize_keras_object(dict(identifier, config=config))
    if isinstance(identifier, keras.losses.Loss):
        if not overrides:
            return identifier
        return type(identifier).from_config({**identifier.get_config(), **overrides})
    if callable(identifier) and not overrides:
        return identifier
    raise ValueError(f"Could not interpret loss identifier {identifier!r} with overrides {overrides}.")
