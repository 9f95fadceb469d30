"""Per-feed volumes: a department delivers an extract of the World, capped per feed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synth import apply_volume, render_world
from synth.config import DEFAULT_VOLUMES, VolumeConfig
from synth.specs import FEEDS


def test_uniform_sample_keeps_order_and_is_deterministic() -> None:
    df = pd.DataFrame({"v": np.arange(1000)})
    a = apply_volume(df, 100, np.random.default_rng(1))
    b = apply_volume(df, 100, np.random.default_rng(1))
    c = apply_volume(df, 100, np.random.default_rng(2))
    assert len(a) == 100 and a.equals(b) and not a.equals(c)
    assert a["v"].is_monotonic_increasing and a.index.tolist() == list(range(100))
    assert apply_volume(df, None, np.random.default_rng(1)) is df
    assert apply_volume(df, 5000, np.random.default_rng(1)) is df


def test_group_sample_keeps_whole_households() -> None:
    rng = np.random.default_rng(0)
    hh = np.repeat(np.arange(300), rng.integers(1, 6, 300))
    df = pd.DataFrame({"hukou_no": hh, "p": np.arange(len(hh))})
    s = apply_volume(df, 200, np.random.default_rng(3), by="hukou_no")
    full = df["hukou_no"].value_counts()
    got = s["hukou_no"].value_counts()
    assert (got == full.loc[got.index]).all()  # every household complete
    assert 200 <= len(s) < 200 + 6  # stops at the first household that reaches the cap
    assert s["p"].is_monotonic_increasing


def test_cap_is_linear_in_scale_and_window() -> None:
    v = VolumeConfig(records_at_scale_1={"hukou": 1000, "hotel_lodging": 1200})
    assert v.cap("hukou", 1.0) == 1000 and v.cap("hukou", 0.05) == 50
    assert v.cap("hotel_lodging", 0.5, days=60) == 300  # reference window 120 days
    assert v.cap("calls_110", 1.0) is None
    assert VolumeConfig.unlimited().cap("hukou", 1.0) is None
    assert set(DEFAULT_VOLUMES) <= set(FEEDS)


def test_volume_config_yaml(tmp_path: Path) -> None:
    p = tmp_path / "volumes.yaml"
    p.write_text("records_at_scale_1:\n  hukou: 5000\nsample_by: {}\n", encoding="utf-8")
    v = VolumeConfig.from_yaml(p)
    assert v.records_at_scale_1 == {"hukou": 5000} and v.sample_by == {}


@pytest.mark.parametrize("feed", ["hukou", "hotel_lodging", "vehicle_registry"])
def test_rendered_counts_follow_the_configured_volume(tmp_path: Path, tiny_world,
                                                      feed: str) -> None:
    from synth.config import MessConfig

    full = render_world(tiny_world, tmp_path / "full", seed=3, mess=MessConfig.clean(),
                        feeds=[feed], volumes=VolumeConfig.unlimited())
    n_full = full.rows_by_feed[feed]
    assert n_full >= 20
    scale = tiny_world.params["scale"]
    days = None if FEEDS[feed].split == "snapshot" else tiny_world.params["days"]
    target = n_full // 2
    n1 = target / scale / ((days or 120) / 120)
    vol = VolumeConfig(records_at_scale_1={feed: round(n1)})
    cap = vol.cap(feed, scale, days)
    res = render_world(tiny_world, tmp_path / "cut", seed=3, mess=MessConfig.clean(),
                       feeds=[feed], volumes=vol)
    n = res.rows_by_feed[feed]
    slack = 8 if feed in vol.sample_by else 0  # whole households
    assert cap <= n <= cap + slack
    m = json.loads((tmp_path / "cut" / "manifest.json").read_text(encoding="utf-8"))
    assert m["volumes"]["records_at_scale_1"] == {feed: round(n1)}
    rec = pd.read_parquet(tmp_path / "cut" / "_truth" / "records.parquet")
    assert len(rec) == n
    # the extract is a subset of the full delivery's entities
    rec_full = pd.read_parquet(tmp_path / "full" / "_truth" / "records.parquet")
    assert set(rec["entity_id"]) <= set(rec_full["entity_id"])
