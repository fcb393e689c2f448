"""Subcommands of `python -m models`: each module here has `register(subparsers, common)`."""
