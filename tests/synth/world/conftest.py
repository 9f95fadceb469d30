import datetime as dt

import pytest

from synth.world import World, build_world

#: Small world over National Day 2026 (holidays 1-7 Oct, adjusted workdays 20 Sep, 10 Oct).
SMALL = {"city": "430900", "days": 61, "seed": 11, "scale": 0.02, "start": dt.date(2026, 9, 1)}


@pytest.fixture(scope="session")
def small_world() -> World:
    return build_world(**SMALL)
