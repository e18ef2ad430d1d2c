"""``python -m keras_losses``: see :mod:`keras_losses.cli`."""

import sys

from keras_losses.cli import main

sys.exit(main())
