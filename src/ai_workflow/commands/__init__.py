"""Subcommands other than `run`. Each module defines NAME, HELP, add_arguments(parser), run(args).

`cli.py` lists them in COMMAND_MODULES.
"""
