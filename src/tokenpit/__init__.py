"""tokenpit: an exchange where AI inference trades as a graded commodity.

Packages, and the one direction their imports may point:

    cli, api      front ends        -> core, storage, marketdata, sim, specs
    core          the single writer -> engine, clearing, specs, storage's contract
    storage       journal, read models (imports core's event types only)
    marketdata    pure computations over trades and books
    clearing      pure money rules  -> specs
    engine        pure matching; imports nothing of ours
    specs         pure spec files, periods, instruments
    sim           simulated traders -> engine, specs
    testing       builders and fakes shared by the tests (never by production code)

Later components (gateway, grading, web) slot into the same picture.
"""

__version__ = "0.1.0"
