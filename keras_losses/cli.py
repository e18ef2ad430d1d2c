"""The command line: ``python -m keras_losses list|show|plot|doctor``.

Everything it prints comes from the registry (``keras_losses._info``): a loss added later
is listed, shown and plotted without any change here.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

BACKENDS = ("tensorflow", "jax", "torch")

#: The doctor's self-check: one value per loss, printed by a subprocess on each backend.
_SELF_CHECK = """
import os, json
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np, keras_losses as kl
y_true = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "float32")
y_pred = np.array([[0.2, 2.5, -1.0], [0.3, -0.4, 1.5]], "float32")
values = {
    "huber": float(kl.Huber(delta=0.5)(y_true, y_pred)),
    "categorical_crossentropy": float(kl.CategoricalCrossentropy(from_logits=True)(y_true, y_pred)),
    "binary_focal": float(kl.BinaryFocalCrossentropy(from_logits=True)(y_true, y_pred)),
}
print(json.dumps(values))
"""


class CliError(Exception):
    """An error the command line reports in one line, with exit status 2."""


def _parse_value(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # a plain string, e.g. mode=multiclass


def parse_options(items: Sequence[str]) -> dict[str, Any]:
    """``["delta=0.5", "mode=multiclass"]`` -> ``{"delta": 0.5, "mode": "multiclass"}``."""
    options = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CliError(f"Options are written key=value, got {item!r}.")
        options[key.strip()] = _parse_value(value.strip())
    return options


def _entry(name: str) -> Any:
    from keras_losses import _info

    try:
        return _info.find(name)
    except ValueError as error:
        raise CliError(str(error)) from None


def _check_options(entry: Any, name: str, options: dict) -> Any:
    """Build the loss with ``options``: unknown names and bad values become one-line errors."""
    from keras_losses import _info

    known = [row["name"] for row in _info.options(entry)]
    unknown = [key for key in options if key not in known and key not in ("reduction", "name", "dtype")]
    if unknown:
        allowed = ", ".join(known) or "none"
        raise CliError(f"Unknown option(s) {', '.join(unknown)} for {entry.cls.__name__}; its options: {allowed}.")
    try:
        return entry.build(name, **options)
    except (ValueError, TypeError) as error:
        raise CliError(str(error)) from None


def _format_default(value: Any) -> str:
    return repr(value)


def cmd_list(args: argparse.Namespace) -> int:
    from keras_losses import _info

    grouped = _info.families()
    if args.family and args.family not in grouped:
        raise CliError(f"Unknown family {args.family!r}; families: {', '.join(grouped)}.")
    selected = {f: e for f, e in grouped.items() if not args.family or f == args.family}
    if args.json:
        rows = [_info.describe(entry) for entries in selected.values() for entry in entries]
        print(json.dumps(rows, indent=2, default=repr))
        return 0
    for family_name, entries in selected.items():
        print(f"{family_name}:")
        for entry in entries:
            names = []
            for row in _info.name_rows(entry)[1:]:
                mark = " (Keras)" if row["keras_owned"] else ""
                preset = f" [{', '.join(f'{k}={v!r}' for k, v in row['preset'].items())}]" if row["preset"] else ""
                names.append(row["name"] + mark + preset)
            print(f"  {entry.cls.__name__:36s} {', '.join(names)}")
    print("\n(Keras) marks names that keep Keras's meaning in model.compile; keras_losses.get() gives ours.")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from keras_losses import _info

    entry = _entry(args.name)
    info = _info.describe(entry)
    if args.json:
        print(json.dumps(info, indent=2, default=repr))
        return 0
    sections = _info.docstring_sections(entry.function)
    print(f"{entry.cls.__name__}  ({info['module']}, family {info['family']})")
    print(f"  {info['summary']}")
    print("\nNames (class, function, aliases; * = Keras owns it in compile, keras_losses.get gives ours):")
    for row in info["names"]:
        preset = f"  preset {row['preset']}" if row["preset"] else ""
        print(f"  {row['name']}{' *' if row['keras_owned'] else ''}  [{row['kind']}]{preset}")
    print("\nOptions (also reduction, name, dtype):")
    for row in info["options"] or []:
        allowed = row["allowed"] or "not checked"
        print(f"  {row['name']} = {_format_default(row['default'])}    allowed: {allowed}")
    if not info["options"]:
        print("  none")
    for title in ("Formula", "Shape", "References"):
        if title in sections:
            print(f"\n{title}:")
            print("\n".join("  " + line for line in sections[title].splitlines()))
    print("\nExample:")
    print(f'  model.compile(optimizer="adam", loss=keras_losses.{entry.cls.__name__}())')
    return 0


def _compare_spec(text: str) -> tuple[str, dict]:
    name, _, options = text.partition(":")
    return name, parse_options([o for o in options.split(",") if o]) if options else {}


def cmd_plot(args: argparse.Namespace) -> int:
    from keras_losses import plotting

    entry = _entry(args.name)
    options = parse_options(args.option or [])
    _check_options(entry, args.name, options)
    compare = []
    for spec in args.compare or []:
        name, extra = _compare_spec(spec)
        _check_options(_entry(name), name, extra)
        compare.append((name, extra))
    try:
        figure = plotting.plot(
            args.name, *[c[0] for c in compare], options=options, compare_options=[c[1] for c in compare]
        )
    except plotting.PlotUnavailable as error:
        raise CliError(str(error)) from None
    except ImportError as error:
        raise CliError(f"{error}: plotting needs matplotlib (pip install keras-losses[docs]).") from None
    output = args.output or f"{args.name}.png"
    figure.savefig(output)
    print(f"wrote {output}")
    return 0


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _run_backend(backend: str, code: str, timeout: float) -> subprocess.CompletedProcess:
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)


def cmd_doctor(args: argparse.Namespace) -> int:
    print(f"python {sys.version.split()[0]}")
    for package in ("keras-losses", "keras", "numpy", "tensorflow", "tensorflow-cpu", "jax", "jaxlib", "torch"):
        print(f"  {package:16s} {_version(package)}")
    results: dict[str, dict] = {}
    backends = args.backend or list(BACKENDS)
    for backend in backends:
        module = "tensorflow" if backend == "tensorflow" else backend
        imported = _run_backend(backend, f"import {module}", args.timeout)
        if imported.returncode != 0:
            print(f"{backend:10s} does not import: {(imported.stderr.strip().splitlines() or ['?'])[-1]}")
            continue
        check = _run_backend(backend, _SELF_CHECK, args.timeout)
        if check.returncode != 0:
            print(f"{backend:10s} imports; self-check FAILED: {(check.stderr.strip().splitlines() or ['?'])[-1]}")
            results[backend] = {}
            continue
        results[backend] = json.loads(check.stdout.strip().splitlines()[-1])
        values = ", ".join(f"{k}={v:.6f}" for k, v in results[backend].items())
        print(f"{backend:10s} imports; self-check {values}")
    ok = [b for b, v in results.items() if v]
    status = 0 if ok and len(ok) == len(results) else 1
    if len(ok) > 1:
        reference = results[ok[0]]
        worst = max(abs(results[b][k] - reference[k]) / max(1.0, abs(reference[k])) for b in ok for k in reference)
        agree = worst <= 1e-5
        print(f"backends {', '.join(ok)} {'agree' if agree else 'DISAGREE'} (largest relative difference {worst:.1e})")
        status = status or (0 if agree else 1)
    elif not ok:
        print("no backend passed the self-check")
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m keras_losses",
        description="Find, read and look at the losses of keras_losses.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("list", help="every loss, its aliases and family", description="List every registered loss.")
    p.add_argument("--family", help="only this family (regression, classification, segmentation, ...)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=cmd_list)
    p = sub.add_parser("show", help="one loss: names, options, formula, oracle", description="Describe one loss.")
    p.add_argument("name", help="any name of the loss: class, function or alias")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(run=cmd_show)
    p = sub.add_parser(
        "plot", help="draw value and gradient to a PNG", description="Draw a loss's value and gradient (matplotlib)."
    )
    p.add_argument("name", help="any name of the loss")
    p.add_argument("--option", action="append", metavar="KEY=VALUE", help="an option of the loss (repeatable)")
    p.add_argument(
        "--compare", action="append", metavar="NAME[:KEY=VALUE,...]", help="another loss on the same axes (repeatable)"
    )
    p.add_argument("-o", "--output", metavar="FILE.png", help="where to write the picture (default NAME.png)")
    p.set_defaults(run=cmd_plot)
    p = sub.add_parser(
        "doctor",
        help="versions, backends, cross-backend self-check",
        description="Installed versions, which backends import, and one loss value per backend, compared.",
    )
    p.add_argument("--backend", action="append", choices=BACKENDS, help="check only this backend (repeatable)")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per backend subprocess")
    p.set_defaults(run=cmd_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CliError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
