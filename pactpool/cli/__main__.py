"""`python -m pactpool.cli ...`: the same as the `pactpool` command."""

import sys

from pactpool.cli import main

sys.exit(main())
