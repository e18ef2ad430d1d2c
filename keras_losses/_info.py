"""What the registry knows about each loss, in one place for the command line and the docs.

Everything here is read from the registry (:func:`keras_losses.entries`), the loss classes'
signatures, the ``@checked`` declarations and the docstrings: a loss added later appears in
``python -m keras_losses list`` and on the docs site without anyone editing either.
"""

from __future__ import annotations

import difflib
import inspect
import re
from typing import Any

from keras_losses.core.registry import KERAS_OWNED_NAMES, LossEntry, entries, names
from keras_losses.core.validation import declared_checks

#: Constructor arguments every loss has (documented once, not per loss).
COMMON_ARGUMENTS = ("reduction", "name", "dtype")


def family(entry: LossEntry) -> str:
    """The family of a registered loss: the top-level submodule of keras_losses defining its class.

    ``keras_losses.classification.focal`` gives ``"classification"``; a module added later
    (``keras_losses.ranking``) is its own family with no table to edit.
    """
    parts = entry.cls.__module__.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "keras_losses" else parts[0]


def families() -> dict[str, list[LossEntry]]:
    """Registered losses by family, in registration order."""
    grouped: dict[str, list[LossEntry]] = {}
    for entry in entries():
        grouped.setdefault(family(entry), []).append(entry)
    return grouped


def find(name: str) -> LossEntry:
    """The entry of a registered name; ``ValueError`` with the closest names otherwise."""
    for entry in entries():
        if name in entry.names:
            return entry
    raise ValueError(unknown_name_message(name))


def unknown_name_message(name: str) -> str:
    lowered = {n.lower(): n for n in names()}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=5, cutoff=0.5)
    hint = f" Did you mean: {', '.join(lowered[c] for c in close)}?" if close else ""
    return f"Unknown loss {name!r}.{hint} (`python -m keras_losses list` lists every name.)"


def options(entry: LossEntry) -> list[dict[str, Any]]:
    """The class's options (not ``reduction``, ``name``, ``dtype``): name, default and what is allowed.

    ``allowed`` is the text of the option's ``@checked`` declaration, or ``None`` where the
    function declares no check.
    """
    checks = declared_checks(entry.function)
    rows = []
    for parameter in list(inspect.signature(entry.cls.__init__).parameters.values())[1:]:
        if parameter.name in COMMON_ARGUMENTS or parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
            continue
        check = checks.get(parameter.name)
        default = None if parameter.default is parameter.empty else parameter.default
        rows.append({"name": parameter.name, "default": default, "allowed": check.allowed if check else None})
    return rows


def name_rows(entry: LossEntry) -> list[dict[str, Any]]:
    """Every name of a loss: what it is, whether Keras owns it in ``compile``, and its preset."""
    rows = []
    for name in entry.names:
        kind = (
            "class"
            if name == entry.cls.__name__
            else "function"
            if name == entry.function.__name__
            else "preset"
            if name in entry.presets
            else "alias"
        )
        rows.append(
            {
                "name": name,
                "kind": kind,
                "keras_owned": name in KERAS_OWNED_NAMES,
                "preset": entry.presets.get(name),
            }
        )
    return rows


_SECTION = re.compile(r"^(\w[\w ]*):\s*$")


def docstring_sections(obj: Any) -> dict[str, str]:
    """A docstring split into its summary and ``Title:`` sections (Formula, Shape, Args, ...)."""
    doc = inspect.getdoc(obj) or ""
    sections: dict[str, list[str]] = {"Summary": []}
    current = "Summary"
    for line in doc.splitlines():
        match = _SECTION.match(line)
        if match and not line.startswith(" "):
            current = match.group(1)
            sections[current] = []
        else:
            sections[current].append(line[4:] if line.startswith("    ") else line)
    return {k: "\n".join(v).strip() for k, v in sections.items() if "\n".join(v).strip()}


def summary(entry: LossEntry) -> str:
    """The first line of the function's docstring."""
    return (docstring_sections(entry.function).get("Summary", "").splitlines() or [""])[0]


def references(entry: LossEntry) -> str:
    """The References section of the function's docstring (its oracles and sources)."""
    return " ".join(docstring_sections(entry.function).get("References", "").split())


def describe(entry: LossEntry) -> dict[str, Any]:
    """A JSON-friendly summary of one loss."""
    return {
        "class": entry.cls.__name__,
        "function": entry.function.__name__,
        "family": family(entry),
        "module": entry.cls.__module__,
        "names": name_rows(entry),
        "options": options(entry),
        "summary": summary(entry),
        "references": references(entry),
    }
