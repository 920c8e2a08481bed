"""``python -m cenlab.cli``: the ``cenlab`` command."""

import sys

from cenlab.cli import main

sys.exit(main())
