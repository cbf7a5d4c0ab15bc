"""Subcommands of `review-assistant`; each module has add_parser() and run()."""
