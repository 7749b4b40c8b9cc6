"""``python -m lucid_train``: the same as the ``lucid-train`` command."""

import sys

from .cli import main

sys.exit(main(prog="python -m lucid_train"))
