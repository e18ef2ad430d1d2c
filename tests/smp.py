"""segmentation_models_pytorch's losses, without the package's ``__init__`` (it imports timm and PIL).

smp is installed with ``--no-deps`` (``tests/requirements-nodeps.txt``): only its
``losses`` subpackage is loaded, under a bare module object for the package.
"""

from __future__ import annotations

import importlib
import pathlib
import sys
import types

PACKAGE = "segmentation_models_pytorch"


def smp_losses() -> types.ModuleType:
    """``segmentation_models_pytorch.losses``, loaded alone."""
    if PACKAGE not in sys.modules:
        location = next(pathlib.Path(p) / PACKAGE for p in sys.path if (pathlib.Path(p) / PACKAGE / "losses").is_dir())
        package = types.ModuleType(PACKAGE)
        package.__path__ = [str(location)]
        sys.modules[PACKAGE] = package
    return importlib.import_module(f"{PACKAGE}.losses")


def smp_lovasz() -> types.ModuleType:
    """smp's Lovász module (its private helpers are the reference of the multiclass and per-image forms)."""
    smp_losses()
    return importlib.import_module(f"{PACKAGE}.losses.lovasz")
