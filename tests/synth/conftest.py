"""Fixtures of the synth tests: a tiny hand-built World rendered once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from synth_tiny_world import TinyWorld

from synth import render_world
from synth.config import MESS_KINDS, MessConfig


@pytest.fixture(scope="session")
def tiny_world() -> TinyWorld:
    return TinyWorld()


@pytest.fixture(scope="session")
def messy_rates() -> MessConfig:
    """Elevated rates so that every kind occurs even in the tiny World."""
    rates = {k: 0.04 for k in MESS_KINDS}
    rates["address_variant"] = 0.3
    rates["id_legacy15"] = 0.3
    rates["bad_json"] = 0.1  # few JSONL records in the tiny World
    return MessConfig(**rates, overrides={})


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, tiny_world: TinyWorld,
             messy_rates: MessConfig) -> Path:
    out = tmp_path_factory.mktemp("synth_tiny")
    render_world(tiny_world, out, seed=3, mess=messy_rates, streams_days=2)
    return out


@pytest.fixture(scope="session")
def rendered_clean(tmp_path_factory: pytest.TempPathFactory, tiny_world: TinyWorld) -> Path:
    out = tmp_path_factory.mktemp("synth_tiny_clean")
    render_world(tiny_world, out, seed=3, mess=MessConfig.clean(), streams_days=1)
    return out
