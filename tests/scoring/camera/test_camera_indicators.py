"""Indicator arithmetic on hand-made detections (counts checked by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.camera import indicators as ind

TZ = "Asia/Shanghai"


def _world() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    cams = pd.DataFrame({
        "camera_id": ["c1", "c2", "c3"], "lon": [112.30, 112.31, 112.40], "lat": [28.5] * 3,
        "road_id": ["r1", "r1", "r2"], "road_name": ["康富路", "康富路", "龙岭路"],
        "township_code": ["t1", "t1", "t2"], "county_adcode": ["430902"] * 3,
    })
    mon8 = pd.Timestamp("2026-07-06 08:10", tz=TZ)  # Monday 08:10 local
    tue18 = pd.Timestamp("2026-07-07 18:20", tz=TZ)
    rows = [
        # c1 Monday 08h: 4 detections, 2 violations
        ("d1", "c1", mon8, "ebike", "none", True, "meituan"),
        ("d2", "c1", mon8, "ebike", "no_helmet", True, "meituan"),
        ("d3", "c1", mon8, "ebike", "red_light", False, None),
        ("d4", "c1", mon8, "ebike", "none", False, None),
        # c1 a tricycle (not an e-bike: ignored)
        ("d5", "c1", mon8, "tricycle", "no_helmet", False, None),
        # c2 Tuesday 18h: 2 detections, both no_helmet, one eleme rider
        ("d6", "c2", tue18, "ebike", "no_helmet", True, "eleme"),
        ("d7", "c2", tue18, "ebike", "no_helmet", False, None),
        # c3 Tuesday 18h: 1 clean pass
        ("d8", "c3", tue18, "ebike", "none", False, None),
    ]
    det = pd.DataFrame(rows, columns=["detection_id", "camera_id", "ts", "vehicle_class",
                                      "violation", "is_delivery", "platform"])
    det["confidence"] = 0.9
    # Flow: c1 counted 20 e-bikes in two 15-min intervals of Monday 08h; c2 counted 1 (fewer
    # than its 2 detections -> passes = 2); c3 has no flow row (passes = detections = 1).
    flow = pd.DataFrame({
        "camera_id": ["c1", "c1", "c2"],
        "interval_start": [mon8.floor("15min"), mon8.floor("15min") + pd.Timedelta("15min"),
                           tue18.floor("15min")],
        "n_ebike": [12, 8, 1], "n_tricycle": [1, 0, 0], "n_motorcycle": [0, 0, 0],
    })
    return cams, det, flow


@pytest.fixture()
def db() -> ind.CameraDB:
    cams, det, flow = _world()
    return ind.connect(cams, det, flow)


def test_camera_level_rates_by_hand(db: ind.CameraDB) -> None:
    t = ind.indicators(db, "camera", "all").set_index("unit_id")
    c1 = t.loc["c1"]
    assert c1["n_passes"] == 20 and c1["n_det"] == 4
    assert c1["n_violations"] == 2
    assert c1["rate_any"] == pytest.approx(2 / 20)
    assert c1["helmet_nonwearing_rate"] == pytest.approx(1 / 20)
    assert c1["red_light_rate"] == pytest.approx(1 / 20)
    assert c1["delivery_share"] == pytest.approx(2 / 4)
    assert c1["share_meituan"] == pytest.approx(2 / 4)
    assert c1["rate_any_meituan"] == pytest.approx(1 / 2)
    assert c1["daily_flow"] == pytest.approx(20.0)
    c2 = t.loc["c2"]
    assert c2["n_passes"] == 2  # max(flow 1, detections 2)
    assert c2["rate_no_helmet"] == pytest.approx(1.0)
    assert c2["rate_any_eleme"] == pytest.approx(1.0)
    assert t.loc["c3", "n_passes"] == 1 and t.loc["c3", "rate_any"] == 0
    # Ranking: c2 has the highest violation rate, c1 the highest daily flow.
    assert t.loc["c2", "rank_rate_any"] == 1 and t.loc["c1", "rank_daily_flow"] == 1


def test_roll_up_to_township_road_city(db: ind.CameraDB) -> None:
    tw = ind.indicators(db, "township", "all").set_index("unit_id")
    assert tw.loc["t1", "n_passes"] == 22
    assert tw.loc["t1", "n_no_helmet"] == 3
    assert tw.loc["t1", "rate_no_helmet"] == pytest.approx(3 / 22)
    # t1 saw e-bikes on two local days -> daily flow = 22 / 2
    assert tw.loc["t1", "n_days"] == 2 and tw.loc["t1", "daily_flow"] == pytest.approx(11.0)
    road = ind.indicators(db, "road", "all").set_index("unit_id")
    assert road.loc["r1", "unit_name"] == "康富路" and road.loc["r1", "n_violations"] == 4
    city = ind.indicators(db, "city", "all").iloc[0]
    assert city["n_passes"] == 23 and city["n_violations"] == 4
    assert city["rate_any"] == pytest.approx(4 / 23)


def test_periods_use_local_time(db: ind.CameraDB) -> None:
    day = ind.indicators(db, "city", "day")
    assert [str(d.date()) for d in day["period_start"]] == ["2026-07-06", "2026-07-07"]
    assert list(day["n_passes"]) == [20, 3]
    hour = ind.indicators(db, "camera", "hour")
    c1 = hour[hour["unit_id"] == "c1"]
    assert len(c1) == 1 and c1["period_start"].iloc[0].hour == 8
    week = ind.indicators(db, "city", "week")
    assert len(week) == 1 and week["period_start"].iloc[0].weekday() == 0  # ISO week, Monday


def test_hour_weekday_profile(db: ind.CameraDB) -> None:
    p = ind.hour_weekday_profile(db, "city").set_index(["weekday", "hour"])
    assert p.loc[(1, 8), "n_passes"] == 20 and p.loc[(1, 8), "n_violations"] == 2
    assert p.loc[(2, 18), "n_passes"] == 3 and p.loc[(2, 18), "rate_any"] == pytest.approx(2 / 3)


def test_band_week_counts_assign_time_bands(db: ind.CameraDB) -> None:
    b = ind.band_week_counts(db).set_index("camera_id")
    assert b.loc["c1", "band"] == "morning_peak"
    assert b.loc["c2", "band"] == "evening_peak"


def test_parquet_folder_gives_same_result(tmp_path, db: ind.CameraDB) -> None:
    cams, det, flow = _world()
    (tmp_path / "det").mkdir()
    det.iloc[:4].to_parquet(tmp_path / "det" / "part-0.parquet")
    det.iloc[4:].to_parquet(tmp_path / "det" / "part-1.parquet")
    flow.to_parquet(tmp_path / "flow.parquet")
    db2 = ind.connect(cams, str(tmp_path / "det" / "*.parquet"), str(tmp_path / "flow.parquet"))
    a = ind.indicators(db, "township", "day")
    b = ind.indicators(db2, "township", "day")
    pd.testing.assert_frame_equal(a, b)


def test_unknown_level_is_rejected(db: ind.CameraDB) -> None:
    with pytest.raises(ValueError, match="level"):
        ind.indicators(db, "grid", "day")


def test_feed_headers_and_chinese_labels_are_accepted() -> None:
    cams, det, flow = _world()
    feed = det.rename(columns={"violation": "detected_violation"}).assign(
        detected_violation=lambda d: d["detected_violation"].map(
            {"none": None, "no_helmet": "未戴头盔", "red_light": "闯红灯"}),
        vehicle_class=lambda d: d["vehicle_class"].map({"ebike": "电动自行车", "tricycle": "三轮车"}),
        is_delivery=lambda d: d["is_delivery"].map({True: "是", False: "否"}),
        platform=lambda d: d["platform"].map({"meituan": "美团", "eleme": "饿了么"}))
    a = ind.indicators(ind.connect(cams, det, flow), "camera", "all")
    b = ind.indicators(ind.connect(cams, feed, flow), "camera", "all")
    pd.testing.assert_frame_equal(a, b)


def test_delivery_violation_shares(db: ind.CameraDB) -> None:
    city = ind.indicators(db, "city", "all").iloc[0]
    # 4 violations: d2 (meituan rider), d3, d6 (eleme rider), d7
    assert city["n_viol_delivery"] == 2
    assert city["delivery_violation_share"] == pytest.approx(2 / 4)
    assert city["viol_share_meituan"] == pytest.approx(1 / 4)
    assert city["viol_share_eleme"] == pytest.approx(1 / 4)


def test_month_period_is_the_local_calendar_month() -> None:
    """00:30 local on 1 August is still 31 July in UTC: it belongs to August's row."""
    cams, _, _ = _world()
    t_jul = pd.Timestamp("2026-07-31 23:50", tz=TZ)
    t_aug = pd.Timestamp("2026-08-01 00:30", tz=TZ)
    det = pd.DataFrame({
        "detection_id": ["a", "b", "c"], "camera_id": ["c1", "c1", "c1"],
        "ts": [t_jul, t_aug, t_aug], "vehicle_class": "ebike",
        "violation": ["no_helmet", "none", "red_light"], "is_delivery": False, "platform": None,
        "confidence": 0.9,
    })
    flow = pd.DataFrame({"camera_id": ["c1", "c1"],
                         "interval_start": [t_jul.floor("15min"), t_aug.floor("15min")],
                         "n_ebike": [4, 10], "n_tricycle": 0, "n_motorcycle": 0})
    m = ind.indicators(ind.connect(cams, det, flow), "city", "month").set_index("period_start")
    jul, aug = pd.Timestamp("2026-07-01", tz=TZ), pd.Timestamp("2026-08-01", tz=TZ)
    assert list(m.index) == [jul, aug]
    assert (m.loc[jul, "n_passes"], m.loc[jul, "n_violations"]) == (4, 1)
    assert (m.loc[aug, "n_passes"], m.loc[aug, "n_violations"]) == (10, 1)
    assert m.loc[aug, "rate_red_light"] == pytest.approx(0.1) and (m["period"] == "month").all()
