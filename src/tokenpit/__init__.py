"""tokenpit: an exchange where AI inference trades as a graded commodity.

Packages, and the one direction their imports may point:

    cli  ->  engine, specs
    engine   (pure: no clock, no I/O, no floats; imports nothing of ours)
    specs    (pure: reads spec files, computes periods and instruments)
    testing  (builders and fakes shared by the tests)

Later components (clearing, core, storage, gateway, grading, marketdata, api,
web, sim) slot into the same picture: front ends -> core -> engine, clearing,
grading -> specs.
"""

__version__ = "0.1.0"
