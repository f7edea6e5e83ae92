"""Run the command line as `python -m tokenpit`."""

from tokenpit.cli import main

main()
