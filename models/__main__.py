"""`python -m models …`: the command line over the same code the pages use."""

import pylibsrtp  # noqa: F401  (before TensorFlow, see PITFALLS.md #1)

from models.cli import main

raise SystemExit(main())
