"""Vehicle subject table for the 两客一危 night-ban model, from hand-made GPS tracks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.rules import load_model, score, template_paths
from scoring.rules.subjects import hazmat_vehicle_features

TZ = "Asia/Shanghai"


def track(plate: str, start: str, minutes: int, step_s: int, speed: float, lon0: float = 112.3,
          dlon: float = 0.0) -> pd.DataFrame:
    n = minutes * 60 // step_s
    ts = pd.date_range(pd.Timestamp(start, tz=TZ), periods=n, freq=f"{step_s}s")
    return pd.DataFrame({"plate": plate, "ts": ts, "lon": lon0 + dlon * np.arange(n), "lat": 28.55,
                         "speed_kmh": speed})


def gps() -> pd.DataFrame:
    return pd.concat([
        # A: drives 02:30-03:30 on two nights (ban hours), 60 km/h, moving east
        track("A", "2026-10-01 02:30", 60, 60, 60.0, dlon=0.01),
        track("A", "2026-10-03 02:30", 60, 60, 60.0, dlon=0.01),
        # B: daytime only; 5 h non-stop (fatigue); two speeding runs; two signal gaps while moving
        # (it reappears ≈ 10 km and ≈ 5 km away)
        track("B", "2026-10-02 08:00", 300, 60, 70.0),
        track("B", "2026-10-02 13:30", 20, 60, 90.0, lon0=112.4),
        track("B", "2026-10-02 14:00", 10, 60, 70.0, lon0=112.45),
        track("B", "2026-10-02 14:10", 10, 60, 95.0, lon0=112.45),
        # D: two daytime trips with the terminal off in between, parked where the first ended
        track("D", "2026-10-02 09:00", 30, 60, 40.0),
        track("D", "2026-10-02 15:00", 30, 60, 40.0),
        # C: parked overnight (speed 0) in ban hours; old fixes before the window
        track("C", "2026-10-02 02:00", 120, 300, 0.0),
        track("C", "2026-08-01 03:00", 60, 60, 60.0),
    ], ignore_index=True)


def test_vehicle_features_by_hand() -> None:
    reg = pd.DataFrame({"plate": ["A", "B", "C"], "kind": ["coach", "hazmat_truck", "car"]})
    vio = pd.DataFrame({"plate": ["B", "B", "A"], "ts": pd.to_datetime(
        ["2026-06-01 10:00", "2024-01-01 10:00", "2026-09-30 10:00"]).tz_localize(TZ)})
    out = hazmat_vehicle_features(gps(), "2026-10-05", registry=reg, violations=vio).set_index("vehicle_id")
    assert list(out.index) == ["A", "B", "C", "D"]
    a, b, c = out.loc["A"], out.loc["B"], out.loc["C"]
    assert a["night_ban_trips_4w"] == 2 and b["night_ban_trips_4w"] == 0 and c["night_ban_trips_4w"] == 0
    # A: 59 one-minute steps of 0.01° lon at 28.55°N per night
    step = 2 * 6371.0088 * np.arcsin(np.cos(np.radians(28.55)) * np.sin(np.radians(0.005)))
    assert a["night_ban_km_4w"] == pytest.approx(2 * 59 * step, rel=1e-6)
    assert b["speeding_4w"] == 2 and a["speeding_4w"] == 0
    assert b["fatigue_4w"] == 1 and a["fatigue_4w"] == 0  # 08:00-13:00 then a 31-min stop
    # B's gaps > 10 min between moving fixes: 12:59→13:30 (31 min) and 13:49→14:00 (11 min)
    assert b["gps_offline_hours_4w"] == pytest.approx(42 / 60)
    assert c["gps_offline_hours_4w"] == 0  # parked: gaps are not between moving fixes
    assert out.loc["D", "gps_offline_hours_4w"] == 0  # engine off: it reappears where it stopped
    assert (a["is_coach"], a["is_hazmat"], b["is_hazmat"], c["is_coach"]) == (1, 0, 1, 0)
    assert (a["violations_1y"], b["violations_1y"], c["violations_1y"]) == (1, 1, 0)
    assert (out["h3"] != 0).all()
    assert (out["period_start"] == pd.Timestamp("2026-10-05", tz=TZ)).all()


def test_night_ban_template_scores_the_vehicles() -> None:
    m = load_model(next(p for p in template_paths() if p.stem == "hazmat_night_ban"))
    v = hazmat_vehicle_features(gps(), "2026-10-05",
                                registry=pd.DataFrame({"plate": ["A"], "kind": ["coach"]}))
    s = score(m, v).set_index("vehicle_id")
    assert s.loc["A", "key_factor_hits"] == "night_ban_trips"
    assert s.loc["B", "key_factor_hits"] == "" and s.loc["A", "score"] > s.loc["C", "score"]
    assert s.loc["A", "colour"] in ("red", "orange")


def test_vehicle_features_of_an_empty_window() -> None:
    """A period with no fix in its window (the GPS stream covers other days) gives no vehicle,
    not an IndexError (it raised before)."""
    out = hazmat_vehicle_features(gps(), "2025-01-01")
    assert out.empty and "night_ban_trips_4w" in out.columns and "vehicle_id" in out.columns
