"""Offline detection: silent while neighbours report = offline; quiet nights are not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.camera import health

DAY = (pd.Timestamp("2026-07-01 00:00", tz="Asia/Shanghai"),
       pd.Timestamp("2026-07-03 23:45", tz="Asia/Shanghai"))
T = 3 * 96


def _world() -> tuple[pd.DataFrame, pd.DataFrame]:
    n = 6
    cams = pd.DataFrame({"camera_id": [f"c{i}" for i in range(n)],
                         "lon": 112.30 + 0.001 * np.arange(n), "lat": 28.5,
                         "township_code": ["t1"] * 3 + ["t2"] * 3, "county_adcode": "430902",
                         "road_name": "康富路", "status": "online"})
    t = pd.date_range("2026-07-01", periods=T, freq="15min", tz="Asia/Shanghai")
    rows = []
    for c in cams["camera_id"]:
        for i, ts in enumerate(t):
            if i % 96 < 28:                   # 00:00-07:00 nobody rides: every camera silent
                continue
            if c == "c2" and 136 <= i < 156:  # c2 dark on day 2, 10:00-15:00, others report
                continue
            if c == "c4" and 146 <= i < 149:  # c4 three quiet intervals: not an outage
                continue
            if c == "c5" and i >= 272:        # c5 dark from day 3 20:00 to the end
                continue
            rows.append((c, ts, 5, 1, 0))
    flow = pd.DataFrame(rows, columns=["camera_id", "interval_start", "n_ebike", "n_tricycle",
                                       "n_motorcycle"])
    return cams, flow


def test_offline_only_when_neighbours_report() -> None:
    cams, flow = _world()
    r = health.camera_health(cams, flow, n_silent=8, k=3, start=DAY[0], end=DAY[1])
    per = r["cameras"].set_index("camera_id")
    assert per.loc["c2", "n_offline"] == 20 and per.loc["c2", "longest_outage_h"] == 5.0
    assert per.loc["c4", "n_offline"] == 0          # 3 < n_silent
    assert per.loc["c0", "n_offline"] == 0          # the silent night is not an outage
    assert per.loc["c5", "offline_now"] and per.loc["c5", "n_offline"] == 16
    assert per.loc["c2", "online_rate"] == 1 - 20 / T
    assert not per.loc["c2", "offline_now"]
    assert per.loc["c5", "last_report"] == pd.Timestamp("2026-07-03 19:45", tz="Asia/Shanghai")


def test_area_online_rate_and_maintenance_list() -> None:
    cams, flow = _world()
    r = health.camera_health(cams, flow, n_silent=8, k=3, target=0.98, start=DAY[0], end=DAY[1])
    areas = r["areas"].set_index(["level", "unit_id"])
    assert areas.loc[("township", "t1"), "online_rate"] == 1 - 20 / (3 * T)
    assert areas.loc[("township", "t2"), "online_rate"] == 1 - 16 / (3 * T)
    assert not areas.loc[("city", "city"), "meets_target"]
    m = r["maintenance"]
    assert list(m["camera_id"]) == ["c5", "c2"]     # offline now first
    assert list(m["priority"]) == [1, 2] and m["reason_zh"].iloc[0] == "当前离线"


def test_offline_matrix_needs_neighbour_support() -> None:
    active = np.ones((3, 20), bool)
    active[:, 5:15] = False      # everyone silent together: no outage
    active[0, 0:5] = False       # only camera 0 silent, neighbours active: but only 5 < 8
    off = health.offline_matrix(active, np.array([112.3, 112.301, 112.302]),
                                np.array([28.5, 28.5, 28.5]), n_silent=8, k=2)
    assert not off.any()
    active[0, 15:] = False       # camera 0 silent 5..20 = 15 long, neighbours report 15..20
    off = health.offline_matrix(active, np.array([112.3, 112.301, 112.302]),
                                np.array([28.5, 28.5, 28.5]), n_silent=5, k=2)
    assert off[0, 5:].all() and not off[1:].any()


def test_low_traffic_silence_is_not_an_outage() -> None:
    # Camera 0 sees ~0.3 vehicles per interval: an hour of silence is normal for it,
    # even while its busy neighbours report.
    rng = np.random.default_rng(1)
    t = 96 * 4
    counts = np.vstack([rng.poisson(0.3, t), rng.poisson(20, t), rng.poisson(20, t)]).astype(np.int32)
    slot = np.arange(t) % 96
    lon, lat = np.array([112.3, 112.301, 112.302]), np.array([28.5, 28.5, 28.5])
    off = health.offline_matrix(counts, lon, lat, n_silent=4, k=2, slot=slot, min_expected=8)
    assert not off[0].any()
    # Without the expectation check the same silences would be flagged.
    assert health.offline_matrix(counts, lon, lat, n_silent=4, k=2)[0].any()
    # A busy camera going dark for two hours is flagged.
    counts[1, 100:108] = 0
    off = health.offline_matrix(counts, lon, lat, n_silent=4, k=2, slot=slot, min_expected=8)
    assert off[1, 100:108].all() and off[1].sum() == 8
