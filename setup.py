"""Build hook: compile the matching engine with mypyc.

The engine is ordinary typed Python; mypyc turns it into a C extension that
runs several times faster. Set TOKENPIT_PURE_PYTHON=1 to skip compilation
(the package then runs the same code interpreted).
"""

import os

from setuptools import setup

ENGINE_MODULES = [
    "src/tokenpit/engine/book.py",
    "src/tokenpit/engine/engine.py",
    "src/tokenpit/engine/events.py",
    "src/tokenpit/engine/rules.py",
]

if os.environ.get("TOKENPIT_PURE_PYTHON") == "1":
    setup()
else:
    from mypyc.build import mypycify

    # An empty --config-file keeps mypyc off pyproject's [tool.mypy], whose pydantic
    # plugin is not installed in the isolated build environment; the engine uses no plugin.
    setup(
        ext_modules=mypycify(
            ["--config-file=", *ENGINE_MODULES], opt_level="3", group_name="tokenpit_engine"
        )
    )
