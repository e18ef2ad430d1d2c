"""Keras's own loss tests, run on our classes and functions.

Keras 3.15.1's ``keras/src/losses/losses_test.py`` is read from the installed
wheel (never copied here) and executed with its ``losses`` module replaced by
one in which every name keras_losses also provides is ours. A test class whose
subject we do not provide yet is not collected; it joins as soon as a loss of
that name is registered. Every failure must be in :data:`DIFFERENCES`, each
with its reason (the README's "Differences from keras.losses" lists the same);
those tests are strict ``xfail``, so a difference that disappears fails too.
"""

from __future__ import annotations

import ast
import pathlib
import re
import types

import keras
import pytest
from keras.src.losses import losses as keras_losses_module

import keras_losses as kl
from tests.helpers import BACKEND

SOURCE = pathlib.Path(keras.__file__).parent / "src" / "losses" / "losses_test.py"
IMPORT = "from keras.src.losses import losses\n"

SOFT_OVERLAP = (
    "targets outside [0, 1] (the test's 2s): the overlap is smp's (ΣP + ΣT − ‖P − T‖₁) / 2 = Σ min(p, t),"
    " Keras's Σ p·t only for 0/1 targets"
)
TVERSKY_WEIGHTS = (
    "`alpha` weighs false positives and `beta` false negatives (Salehi et al. 2017, smp); Keras's `alpha`"
    " multiplies Σ y·(1 − p), the false negatives"
)
#: ``(test class, test or "*", backends or None for all) -> reason``: the documented differences.
DIFFERENCES = {
    ("*", "test_dtype_arg", None): (
        "float16 and bfloat16 losses compute and return float32 (as torch.autocast), where Keras returns the half dtype"
    ),
    ("CosineSimilarityTest", "test_config", None): "get_config carries dtype and every option (Keras drops `axis`)",
    ("HuberLossTest", "test_config", None): "get_config carries dtype and every option (Keras drops `delta`)",
    ("LogCoshTest", "test_config", None): "get_config carries dtype (Keras drops it)",
    ("DiceTest", "test_correctness", None): SOFT_OVERLAP,
    ("TverskyTest", "test_correctness", None): SOFT_OVERLAP,
    ("TverskyTest", "test_correctness_custom_coefficients", None): SOFT_OVERLAP,
    ("TverskyTest", "test_binary_segmentation_custom_coefficients", None): TVERSKY_WEIGHTS,
    ("TverskyTest", "test_binary_segmentation_custom_coefficients_with_axis", None): TVERSKY_WEIGHTS,
    ("CTCTest", "test_correctness", None): (
        "labels are padded with -1 (as torch's and `tf.nn.ctc_loss`'s dense labels), not with the blank 0: the"
        " test's label `[1, 2, 0, 2]`, which Keras reads as `[1, 2, 0]` (its length counts the non-zeros), holds"
        ' the blank, a bad label (NaN); `compile(loss="ctc")` keeps Keras\'s `CTC`'
    ),
    ("SparseCategoricalCrossentropyTest", "test_binary_segmentation_different_axis", ("tensorflow", "jax")): (
        "any class axis works on every backend, where Keras's TensorFlow and JAX backends refuse axis != -1"
    ),
    ("SparseCategoricalCrossentropyTest", "test_multi_class_segmentation_different_axis", ("tensorflow", "jax")): (
        "any class axis works on every backend, where Keras's TensorFlow and JAX backends refuse axis != -1"
    ),
}


def _ours_or_keras(name: str):
    return getattr(kl, name) if name in kl.__all__ else getattr(keras_losses_module, name)


def _load_keras_suite() -> types.ModuleType:
    source = SOURCE.read_text()
    assert IMPORT in source, f"{SOURCE} no longer imports `losses` as expected: update this module"
    losses = types.ModuleType("losses")
    losses.__getattr__ = _ours_or_keras  # module-level __getattr__ (PEP 562)
    module = types.ModuleType("keras_losses_suite")
    module.__file__ = str(SOURCE)
    module.losses = losses
    exec(compile(source.replace(IMPORT, ""), str(SOURCE), "exec"), module.__dict__)
    return module


def _subjects_by_class(source: str) -> dict[str, set[str]]:
    """The ``losses.X`` names each Keras test class uses."""
    tree = ast.parse(source)
    return {
        node.name: set(re.findall(r"losses\.(\w+)", ast.get_source_segment(source, node)))
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }


def _difference(class_name: str, test_name: str) -> str | None:
    for (cls, test, backends), reason in DIFFERENCES.items():
        if cls in ("*", class_name) and test == test_name and (backends is None or BACKEND in backends):
            return reason
    return None


SUITE = _load_keras_suite()
SUBJECTS = _subjects_by_class(SOURCE.read_text())
OURS = set(kl.__all__)
COLLECTED = []
for _name, _cls in vars(SUITE).items():
    if not (isinstance(_cls, type) and _name.endswith("Test") and SUBJECTS.get(_name, set()) & OURS):
        continue
    for _test in [t for t in vars(_cls) if t.startswith("test_")]:
        reason = _difference(_name, _test)
        if reason:
            setattr(_cls, _test, pytest.mark.xfail(reason=reason, strict=True)(getattr(_cls, _test)))
    _cls.__module__ = __name__
    globals()[_name] = _cls
    COLLECTED.append(_name)


def test_the_keras_suite_covers_every_keras_named_loss_we_have():
    keras_named = {name for name in OURS if hasattr(keras.losses, name) and isinstance(getattr(kl, name), type)}
    tested = set().union(*(SUBJECTS[name] for name in COLLECTED)) & OURS
    assert keras_named - tested <= {"Loss"}, sorted(keras_named - tested)


def test_every_documented_difference_names_a_real_test():
    for (cls, test, _), _reason in DIFFERENCES.items():
        classes = COLLECTED if cls == "*" else [cls]
        assert any(hasattr(getattr(SUITE, c), test) for c in classes), (cls, test)


def differences_markdown() -> str:
    """The README's list of documented differences, one line per entry of :data:`DIFFERENCES`."""
    names = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "torch"}
    lines = []
    for (cls, test, backends), reason in DIFFERENCES.items():
        where = f"`{test}` (every loss)" if cls == "*" else f"`{cls}.{test}`"
        if backends:
            where += f" ({', '.join(names[b] for b in backends)})"
        lines.append(f"- {where}: {reason}")
    return "\n".join(lines)


def _keras_named():
    """Every class and function we export under a name ``keras.losses`` also has."""
    return [name for name in sorted(kl.__all__) if hasattr(keras.losses, name) and name not in ("Loss", "get")]


def test_keras_named_objects_take_keras_parameters_first():
    """Keras's parameters, in Keras's order, names and defaults; ours after them, keyword-only."""
    import inspect

    names = _keras_named()
    assert len(names) >= 34, names  # the 17 Keras-named classes and their functions
    for name in names:
        ours, theirs = getattr(kl, name), getattr(keras.losses, name)
        ours_sig = inspect.signature(ours.__init__ if isinstance(ours, type) else ours)
        theirs_sig = inspect.signature(theirs.__init__ if isinstance(theirs, type) else theirs)
        keras_params = [p for p in theirs_sig.parameters.values() if p.kind is not p.VAR_KEYWORD]
        our_params = list(ours_sig.parameters.values())
        assert len(our_params) >= len(keras_params), (name, our_params, keras_params)
        for mine, keras_param in zip(our_params, keras_params, strict=False):
            assert (mine.name, mine.kind) == (keras_param.name, keras_param.kind), (name, mine, keras_param)
            # Keras's default, or one where Keras has none (every Keras call still means the same:
            # Keras's categorical_generalized_cross_entropy requires q, ours defaults to its class's 0.5).
            assert keras_param.default in (mine.default, inspect.Parameter.empty), (name, mine, keras_param)
        extra = our_params[len(keras_params) :]
        assert all(p.kind is p.KEYWORD_ONLY for p in extra), (name, extra)
