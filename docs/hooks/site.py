# ruff: noqa: E501, ANN001, ANN201  (page text is long; MkDocs passes untyped config objects)
"""MkDocs hook: every page of the site, generated from the registry at build time.

Pages are added to the build in memory (``File.generated``); pictures are drawn by
``keras_losses.plot`` on one backend (torch: the fastest eagerly) into
``build/docs-cache/``, reused while keras_losses' sources are unchanged. Nothing
generated is written into ``docs/``, so ``mkdocs serve`` does not rebuild in a loop.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
import pathlib
import re
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mkdocs.structure.files import File  # noqa: E402

log = logging.getLogger("mkdocs.hooks.keras_losses")
CACHE = ROOT / "build" / "docs-cache"
README = (ROOT / "README.md").read_text()
TASKS = {
    "regression": "Regression",
    "classification": "Classification",
    "segmentation": "Segmentation",
    "embedding": "Embedding and metric learning",
    "ranking": "Ranking",
    "sequence": "Sequences",
}
#: Comparison pictures: (file, title, [(name, options)]).
COMPARISONS = [
    (
        "robust_regression",
        "MSE, Huber, SmoothL1, LogCosh and AdaptiveRobust",
        [
            ("mse", {}),
            ("huber", {}),
            ("smooth_l1", {"beta": 0.5}),
            ("log_cosh", {}),
            ("adaptive_robust", {"alpha": 0.0}),
        ],
    ),
    (
        "focal",
        "Cross-entropy, focal (gamma 0.5, 1, 2, 5) and poly-1 from logits",
        [("categorical_crossentropy", {"from_logits": True})]
        + [("focal", {"from_logits": True, "alpha": None, "gamma": g}) for g in (0.5, 1.0, 2.0, 5.0)]
        + [("poly", {"from_logits": True})],
    ),
    (
        "binary",
        "Binary cross-entropy and binary focal, from logits",
        [("bce", {"from_logits": True}), ("binary_focal", {"from_logits": True})],
    ),
    (
        "region",
        "Dice, Jaccard, Tversky and focal Tversky",
        [("dice", {}), ("jaccard", {}), ("tversky", {}), ("focal_tversky", {})],
    ),
]


def _source_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "keras_losses").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _picture(key: str, draw) -> str | None:
    """Draw once per source state into the cache; the path of the PNG (None: drawing failed)."""
    folder = CACHE / _source_hash()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.png"
    if not path.exists():
        figure = draw()
        figure.savefig(path)
    return str(path)


def readme_oracles() -> dict[str, str]:
    """The README tables' "checked against" column, by class name."""
    oracles = {}
    for line in README.splitlines():
        match = re.match(r"\| `(\w+)` \|.*\| (.*?) \|$", line)
        if match:
            oracles[match.group(1)] = match.group(2)
    return oracles


def readme_section(title: str) -> str:
    body = README.split(f"\n## {title}\n", 1)[1]
    return body.split("\n## ", 1)[0].strip()


def _md(value: object) -> str:
    return f"`{value!r}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- pages ----------------------------------------------------------------------------------------


def family_page(family: str, entries: list, pictures: dict, oracles: dict) -> str:
    from keras_losses import _info, plotting

    first = entries[0].cls.__module__
    lines = [f"# {TASKS.get(family, family.title())}", "", f"`keras_losses.{family}` ({len(entries)} losses)", ""]
    doc = inspect.getdoc(sys.modules[first if first.count(".") == 1 else first.rsplit(".", 1)[0]]) or ""
    if doc:
        lines += [doc.split("\n\n")[0], ""]
    for entry in entries:
        name = entry.cls.__name__
        lines += [f"## {name}", "", _info.summary(entry), ""]
        lines += [f"`keras_losses.{name}(...)` · `keras_losses.{entry.function.__name__}(y_true, y_pred, ...)`", ""]
        lines += ["| name | what | in `model.compile` |", "|---|---|---|"]
        for row in _info.name_rows(entry):
            what = row["kind"] + (
                f" ({', '.join(f'{k}={v!r}' for k, v in row['preset'].items())})" if row["preset"] else ""
            )
            compile_ = (
                "Keras's own loss (Keras owns the name); `keras_losses.get` gives ours"
                if row["keras_owned"]
                else "ours"
            )
            lines.append(f"| `{row['name']}` | {what} | {compile_} |")
        lines.append("")
        options = _info.options(entry)
        if options:
            lines += ["| option | default | allowed |", "|---|---|---|"]
            for row in options:
                lines.append(f"| `{row['name']}` | {_md(row['default'])} | {_cell(row['allowed'] or 'not checked')} |")
            lines.append("")
        lines += [
            "Common arguments: `reduction`, `name`, `dtype` ([reductions](../index.md#reductions-weights-masks)).",
            "",
        ]
        lines += [f"**Checked against:** {oracles.get(name, _info.references(entry) or '—')}", ""]
        if name in pictures:
            lines += [f"![{name}: value and gradient](../images/{name}.png)", ""]
        else:
            lines += [f'!!! note "No picture"\n    {plotting.unavailable_reason(entry)}.', ""]
        lines += [f"::: {entry.function.__module__}.{entry.function.__name__}", ""]
    return "\n".join(lines)


def gallery_page(pictures: dict, unavailable: dict) -> str:
    from keras_losses import _info

    lines = [
        "# Gallery",
        "",
        "Every registered loss: its value (left) and gradient (right) along its natural axis, "
        "computed by the loss itself (`keras_losses.plot`, torch backend).",
        "",
    ]
    for family, entries in _info.families().items():
        lines += [f"## {TASKS.get(family, family.title())}", ""]
        for entry in entries:
            name = entry.cls.__name__
            if name in pictures:
                lines += [f"[{name}](families/{family}.md#{name.lower()})", "", f"![{name}](images/{name}.png)", ""]
    if unavailable:
        lines += ["## Without a picture", ""] + [f"- `{k}`: {v}" for k, v in unavailable.items()]
    return "\n".join(lines)


def comparisons_page(drawn: list) -> str:
    lines = ["# Comparisons", "", "Several losses on the same axes, drawn by `keras_losses.plot(loss, *others)`.", ""]
    for key, title, specs in drawn:
        call = ", ".join(f'"{n}"' for n, _ in specs)
        lines += [
            f"## {title}",
            "",
            f"`keras_losses.plot({call}, ...)` with options {', '.join(str(o) for _, o in specs)}",
            "",
            f"![{title}](images/compare_{key}.png)",
            "",
        ]
    return "\n".join(lines)


def home_page(oracles: dict, agreement: list) -> str:
    from keras_losses import _info

    quick = README.split("## Quick start", 1)[1].split("## Losses", 1)[0].strip()
    intro = README.split("\n## ", 1)[0].split("\n", 1)[1].strip()
    lines = [
        "# keras_losses",
        "",
        intro,
        "",
        "## Quick start",
        "",
        quick,
        "",
        "The site: `mkdocs serve` (live) or `mkdocs build --strict` (what `bash tests/run.sh` runs).",
        "",
        "## Three promises",
        "",
        "1. **One number on every backend, checked against an independent oracle.** Every loss is compared "
        "(values and gradients, every option and reduction) with the oracle below, on TensorFlow, JAX and PyTorch.",
        "2. **Strings in `compile`.** Every name Keras does not own works in `model.compile(loss=...)`; "
        "`keras_losses.get` resolves every name.",
        "3. **`.keras` round trips.** Every loss saves and reloads, on any backend, in safe mode.",
        "",
        "### The oracles, by family",
        "",
        "| family | loss | checked against |",
        "|---|---|---|",
    ]
    for family, entries in _info.families().items():
        for entry in entries:
            lines.append(
                f"| {family} | [`{entry.cls.__name__}`](families/{family}.md#{entry.cls.__name__.lower()}) | "
                f"{oracles.get(entry.cls.__name__, '—')} |"
            )
    lines += ["", "### Measured agreement", ""]
    lines += agreement
    lines += ["", "## Reductions, weights, masks", "", readme_section("Reductions, weights, masks")]
    return "\n".join(lines)


def agreement_table() -> list:
    import json

    path = ROOT / "docs" / "data" / "agreement.json"
    if not path.exists():
        return ["(no measurement recorded: run `python docs/measure_agreement.py`)"]
    data = json.loads(path.read_text())
    lines = [
        data["how"],
        "",
        "| loss | largest relative error, value | largest relative error, gradient |",
        "|---|---|---|",
    ]
    for loss, errors in sorted(data["errors"].items()):
        lines.append(
            f"| `{loss}` | {errors.get('value', float('nan')):.1e} | {errors.get('gradient', float('nan')):.1e} |"
        )
    return lines


def migration_pages(registered: set[str]) -> dict[str, str]:
    from keras_losses import _migration
    from keras_losses.compat import v1

    pages = {}
    for title, (key, table) in _migration.TABLES.items():
        rows = _migration.rows(table, registered)
        if not any(r[1] for r in rows):
            continue  # the family has not landed
        lines = [f"# From {title}", "", "| theirs | keras_losses | arguments |", "|---|---|---|"]
        for theirs, ours, arguments in rows:
            lines.append(f"| `{theirs}` | {f'`keras_losses.{ours}`' if ours else '—'} | {_cell(arguments)} |")
        if title == "PyTorch":
            lines += ["", "## `reduction` and `weight`", "", "| PyTorch | keras_losses |", "|---|---|"]
            lines += [f"| `{a}` | {b} |" for a, b in _migration.PYTORCH_REDUCTION]
        pages[f"migration/{key.lower()}.md"] = "\n".join(lines)
    tf1 = [
        "# From TensorFlow 1",
        "",
        "`tf.compat.v1.losses` with TF1's signatures, defaults and numbers on every backend:",
        "",
        "| TensorFlow 1 | keras_losses |",
        "|---|---|",
    ]
    for name in v1.__all__:
        tf1.append(f"| `tf.compat.v1.losses.{name}` (`tf.losses.{name}`) | `keras_losses.compat.v1.{name}` |")
    tf1 += ["", readme_section("TensorFlow 1: `keras_losses.compat.v1`")]
    pages["migration/tf1.md"] = "\n".join(tf1)
    keras_page = [
        "# From Keras",
        "",
        readme_section("Drop-in for `keras.losses`"),
        "",
        "## Probabilities",
        "",
        README.split("Probabilities (`from_logits=False`)", 1)[1].split("\n\n", 1)[0],
    ]
    keras_page[-1] = "Probabilities (`from_logits=False`)" + keras_page[-1]
    pages["migration/keras.md"] = "\n".join(keras_page)
    return pages


def choosing_page(registered: set[str]) -> str:
    from keras_losses import _info

    advice = [
        (
            "Regression with outliers",
            "regression",
            "`Huber`, `SmoothL1`, `LogCosh` or `AdaptiveRobust` (which spans L2, "
            "Charbonnier, Cauchy and Welsch with `alpha`) instead of `MeanSquaredError`; `Pinball` for quantiles; "
            "`GaussianNLL`/`PoissonNLL` when the model predicts a distribution.",
            "quickstart.py",
        ),
        (
            "Imbalanced classification",
            "classification",
            "Output logits and use `from_logits=True`. Start with "
            "`CategoricalCrossentropy(class_weight=...)` or `SparseCategoricalCrossentropy(class_weight=...)`; focal "
            "(`CategoricalFocalCrossentropy`, `BinaryFocalCrossentropy`) and `PolyCrossentropy` reweigh easy examples.",
            "imbalanced_focal.py",
        ),
        (
            "Segmentation",
            "segmentation",
            "Region losses (`Dice`, `Jaccard`, `Tversky`, `Lovasz`) for rare classes, usually "
            'added to cross-entropy: `Dice(mode="multiclass", from_logits=True) + SparseCategoricalCrossentropy(from_logits=True)`.',
            "segmentation.py",
        ),
        ("Metric learning", "embedding", "Pair, triplet and contrastive losses on embeddings.", None),
        ("Ranking", "ranking", "Pairwise and listwise ranking losses on lists of scores.", None),
        ("Sequences", "sequence", "CTC for unaligned sequences (speech, OCR); edit distances to measure them.", None),
    ]
    grouped = _info.families()
    lines = ["# Choosing a loss", ""]
    for title, family, text, example in advice:
        if family not in grouped:
            continue
        lines += [
            f"## {title}",
            "",
            text,
            "",
            "Losses: "
            + ", ".join(
                f"[`{e.cls.__name__}`](families/{family}.md#{e.cls.__name__.lower()})" for e in grouped[family]
            ),
            "",
        ]
        if example:
            script = ROOT / "examples" / example
            doc = (inspect.cleandoc(script.read_text().split('"""')[1]) if script.exists() else "").split("\n\n")[0]
            lines += [f"Example: `examples/{example}`: {doc}", ""]
    lines += ["## The examples and their measured results", "", readme_section("Examples")]
    return "\n".join(lines)


def cli_page() -> str:
    import contextlib
    import io

    from keras_losses import cli

    lines = ["# Command line", "", "`python -m keras_losses COMMAND`:", ""]
    parser = cli.build_parser()
    for command in ("list", "show", "plot", "doctor"):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
            parser.parse_args([command, "--help"])
        lines += [f"## {command}", "", "```text", buffer.getvalue().strip(), "```", ""]
    return "\n".join(lines)


# --- the hooks ------------------------------------------------------------------------------------

_PAGES: dict[str, str] = {}
_IMAGES: dict[str, str] = {}


def on_config(config):
    import time

    import keras_losses
    from keras_losses import _info, plotting

    start = time.time()
    _PAGES.clear()
    _IMAGES.clear()
    oracles = readme_oracles()
    registered = {e.cls.__name__ for e in keras_losses.entries()}
    pictures, unavailable = {}, {}
    for entry in keras_losses.entries():
        name = entry.cls.__name__
        reason = plotting.unavailable_reason(entry)
        if reason:
            unavailable[name] = reason
            continue
        # A loss without a picture must say why (plotting.UNAVAILABLE): an error here fails the build.
        pictures[name] = _picture(name, lambda n=name: keras_losses.plot(n, figsize=(7.0, 2.6), dpi=72))
    for name, path in pictures.items():
        _IMAGES[f"images/{name}.png"] = path
    drawn = []
    for key, title, specs in COMPARISONS:
        if all(_info.find(n) for n, _ in specs):
            path = _picture(
                f"compare_{key}",
                lambda s=specs, t=title: keras_losses.plot(
                    s[0][0],
                    *[n for n, _ in s[1:]],
                    options=s[0][1],
                    compare_options=[o for _, o in s[1:]],
                    title=t,
                    figsize=(9.0, 3.4),
                    dpi=72,
                ),
            )
            _IMAGES[f"images/compare_{key}.png"] = path
            drawn.append((key, title, specs))
    nav = [{"Home": "index.md"}]
    families = []
    for family, entries in _info.families().items():
        _PAGES[f"families/{family}.md"] = family_page(family, entries, pictures, oracles)
        families.append({TASKS.get(family, family.title()): f"families/{family}.md"})
    _PAGES["index.md"] = home_page(oracles, agreement_table())
    _PAGES["gallery.md"] = gallery_page(pictures, unavailable)
    _PAGES["comparisons.md"] = comparisons_page(drawn)
    _PAGES["choosing.md"] = choosing_page(registered)
    _PAGES["cli.md"] = cli_page()
    migrations = migration_pages(registered | {layer.__name__ for layer in keras_losses.LAYERS})  # heads too
    _PAGES.update(migrations)
    nav += [
        {"Choosing a loss": "choosing.md"},
        {"Losses": families},
        {"Gallery": "gallery.md"},
        {"Comparisons": "comparisons.md"},
        {"Migration": [{p.split("/")[1][:-3]: p} for p in sorted(migrations)]},
        {"Command line": "cli.md"},
    ]
    for item in nav[-2]["Migration"]:
        key = next(iter(item))
        title = migrations[item[key]].splitlines()[0][len("# From ") :]
        item[title] = item.pop(key)
    config["nav"] = nav
    log.info(f"keras_losses: {len(_PAGES)} pages, {len(_IMAGES)} pictures in {time.time() - start:.1f} s")
    return config


def on_files(files, config):
    for path, content in _PAGES.items():
        files.append(File.generated(config, path, content=content))
    for path, source in _IMAGES.items():
        files.append(File.generated(config, path, abs_src_path=source))
    return files
