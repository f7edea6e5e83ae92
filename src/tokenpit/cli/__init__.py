"""The `tokenpit` command line: front end over specs, engine and sim.

Commands print readable tables (rich) or, with --json, one JSON document.
"""

from tokenpit.cli.main import main

__all__ = ["main"]
