"""A tiny hand-built World (the synth_world_schema contract) for fast renderer tests.

Two counties of Yiyang, 40 addresses, ~120 persons, events over 62 days; every attribute the
renderers read exists with the contract's column names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, box

from synth.world.ids import id_check_digits, uscc_check_chars

TZ = "Asia/Shanghai"
SURNAMES = list("张王李刘陈杨黄周吴徐孙胡朱高何郭马罗")
GIVEN = ["伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "杰", "娟", "涛", "明", "超",
         "秀英", "桂英", "建华", "丽", "平", "刚", "玲", "文", "斌", "辉"]


def _ids(rng: np.random.Generator, county: list[str], birth: pd.Series, male: np.ndarray
         ) -> np.ndarray:
    seq = rng.integers(0, 100, len(birth))
    sexd = np.where(male, 1, 2) + 2 * rng.integers(0, 4, len(birth))
    first = np.array([f"{c}{b:%Y%m%d}{s:02d}{x}" for c, b, s, x in
                      zip(county, birth, seq, sexd, strict=True)])
    return np.char.add(first, id_check_digits(first))


@dataclass
class TinyWorld:
    seed: int = 1
    days: int = 62
    start: dt.date = dt.date(2026, 7, 1)
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        s0 = pd.Timestamp(self.start).tz_localize(TZ)
        self.params = {"city": "430900", "days": self.days, "seed": self.seed, "scale": 0.001,
                       "start": self.start, "city_name": "益阳市"}
        self.counties = gpd.GeoDataFrame(
            {"adcode": ["430902", "430903"], "name": ["资阳区", "赫山区"]},
            geometry=[box(112.25, 28.55, 112.35, 28.65), box(112.35, 28.50, 112.50, 28.62)],
            crs=4326)
        self.townships = gpd.GeoDataFrame(
            {"township_code": ["430902001", "430903002"], "name": ["汽车路街道", "龙岭街道"],
             "county_adcode": ["430902", "430903"]},
            geometry=list(self.counties.geometry), crs=4326)
        self.grids = gpd.GeoDataFrame(
            {"grid_id": ["G001", "G002"], "name": ["第一网格", "第二网格"],
             "township_code": ["430902001", "430903002"]},
            geometry=list(self.counties.geometry), crs=4326)
        self.roads = gpd.GeoDataFrame(
            {"road_id": ["R1", "R2"], "name": ["康富路", "桃花仑路"],
             "kind": ["arterial", "local"], "county_adcode": ["430902", "430903"],
             "township_code": ["430902001", "430903002"], "lighting": [0.9, 0.4]},
            geometry=[LineString([(112.28, 28.58), (112.33, 28.60)]),
                      LineString([(112.38, 28.55), (112.45, 28.58)])], crs=4326)
        na = 40
        cty = np.where(np.arange(na) < 20, "430902", "430903")
        cname = np.where(cty == "430902", "资阳区", "赫山区")
        tname = np.where(cty == "430902", "汽车路街道", "龙岭街道")
        road = np.where(cty == "430902", "康富路", "桃花仑路")
        no = rng.integers(1, 300, na)
        bld = np.where(rng.random(na) < 0.7, rng.integers(1, 9, na).astype(str), "")
        unit = np.where(bld != "", rng.integers(1, 4, na).astype(str), "")
        std = [f"益阳市{c}{t}{r}{n}号" + (f"{b}栋" if b else "") + (f"{u}单元" if u else "")
               for c, t, r, n, b, u in zip(cname, tname, road, no, bld, unit, strict=True)]
        lon = np.where(cty == "430902", rng.uniform(112.27, 112.34, na),
                       rng.uniform(112.37, 112.48, na))
        lat = np.where(cty == "430902", rng.uniform(28.56, 28.64, na),
                       rng.uniform(28.52, 28.60, na))
        self.addresses = pd.DataFrame({
            "address_id": [f"A{i:04d}" for i in range(na)],
            "building_id": [f"B{i // 2:04d}" for i in range(na)], "county_adcode": cty,
            "township_code": np.where(cty == "430902", "430902001", "430903002"),
            "grid_id": np.where(cty == "430902", "G001", "G002"), "road_name": road,
            "road_no": no, "building": bld, "unit": unit, "std_text": std, "lon": lon,
            "lat": lat, "h3_9": np.arange(na, dtype="int64"), "urban": True})
        nh = 80
        h_addr = rng.integers(0, na, nh)
        self.houses = pd.DataFrame({
            "house_id": [f"H{i:04d}" for i in range(nh)],
            "address_id": self.addresses["address_id"].to_numpy()[h_addr],
            "room": [f"{rng.integers(1, 7)}0{rng.integers(1, 4)}" for _ in range(nh)],
            "is_rental": rng.random(nh) < 0.3, "landlord_person_id": None,
            "n_occupants": rng.integers(1, 6, nh), "has_smoke_sensor": rng.random(nh) < 0.5,
            "smoke_device_id": [f"SD{i:05d}" for i in range(nh)],
            "power_meter_id": [f"PM{i:07d}" for i in range(nh)],
            "group_rental": rng.random(nh) < 0.05})
        npn = 120
        male = rng.random(npn) < 0.5
        birth = pd.to_datetime("1940-01-01") + pd.to_timedelta(rng.integers(0, 70 * 365, npn),
                                                               unit="D")
        house_of = rng.integers(0, nh, npn)
        county_of = self.addresses.set_index("address_id").loc[
            self.houses["address_id"].to_numpy()[house_of], "county_adcode"].to_numpy()
        floating = rng.random(npn) < 0.2
        idcounty = np.where(floating, "510104", county_of)
        self.persons = pd.DataFrame({
            "person_id": [f"P{i:05d}" for i in range(npn)],
            "name": [SURNAMES[rng.integers(len(SURNAMES))] + GIVEN[rng.integers(len(GIVEN))]
                     for _ in range(npn)],
            "id_number": _ids(rng, list(idcounty), birth, male),
            "sex": np.where(male, "M", "F"), "birth_date": birth.date,
            "ethnicity": np.where(rng.random(npn) < 0.95, "汉族", "土家族"),
            "phone": [f"13{rng.integers(0, 10)}{rng.integers(0, 10**8):08d}" for _ in range(npn)],
            "household_id": [f"HH{i // 3:04d}" for i in range(npn)],
            "hukou_address_id": np.where(floating, None,
                                         self.houses["house_id"].to_numpy()[house_of]),
            "current_house_id": self.houses["house_id"].to_numpy()[house_of],
            "is_floating": floating,
            "occupation": np.where(rng.random(npn) < 0.1, "外卖骑手", "职员"),
            "delivery_platform": None,
            "smi": rng.random(npn) < 0.1, "community_correction": rng.random(npn) < 0.1,
            "released_prisoner": rng.random(npn) < 0.1, "low_income": rng.random(npn) < 0.1,
            "elderly_alone": birth.year.to_numpy() < 1956})
        rider = self.persons["occupation"] == "外卖骑手"
        self.persons.loc[rider, "delivery_platform"] = np.where(
            rng.random(int(rider.sum())) < 0.5, "meituan", "eleme")
        self.houses["landlord_person_id"] = np.where(
            self.houses["is_rental"], self.persons["person_id"].to_numpy()[
                rng.integers(0, npn, nh)], None)
        hh = self.persons.drop_duplicates("household_id")
        self.households = pd.DataFrame({
            "household_id": hh["household_id"].to_numpy(),
            "hukou_no": [f"43090{i:07d}" for i in range(len(hh))],
            "head_person_id": hh["person_id"].to_numpy(),
            "house_id": hh["current_house_id"].to_numpy()})
        kinds = ["company", "three_small", "bar_ktv", "school", "hospital", "hazmat_firm",
                 "hotel"] * 3
        nu = len(kinds)
        u_addr = rng.integers(0, na, nu)
        first17 = np.array([f"9143090{i:010d}" for i in range(nu)])
        self.units = pd.DataFrame({
            "unit_id": [f"U{i:04d}" for i in range(nu)],
            "uscc": np.char.add(first17, uscc_check_chars(first17)),
            "name": [f"益阳{k}{i}号" for i, k in enumerate(kinds)], "kind": kinds,
            "sub_kind": [{"bar_ktv": "KTV", "three_small": "小餐馆", "school": "小学",
                          "hospital": "卫生院", "hotel": "小旅馆"}.get(k, "") for k in kinds],
            "address_id": self.addresses["address_id"].to_numpy()[u_addr],
            "lon": lon[u_addr], "lat": lat[u_addr], "h3_9": np.arange(nu, dtype="int64"),
            "legal_rep_person_id": self.persons["person_id"].to_numpy()[rng.integers(0, npn, nu)],
            "licence_no": [f"L{i:06d}" for i in range(nu)],
            "school_code": [f"21430{i:05d}" if k == "school" else None
                            for i, k in enumerate(kinds)],
            "opened": pd.to_datetime("2010-01-01") + pd.to_timedelta(
                rng.integers(0, 5000, nu), unit="D"),
            "employees": rng.integers(1, 80, nu), "risk_hidden": rng.random(nu)})
        nv = 30
        vk = np.array(["car", "ebike", "ebike", "hazmat_truck", "coach"])[rng.integers(0, 5, nv)]
        self.vehicles = pd.DataFrame({
            "vehicle_id": [f"V{i:04d}" for i in range(nv)],
            "plate": [f"湘H{rng.integers(10000, 99999)}" if k != "ebike"
                      else f"益阳A{rng.integers(10000, 99999)}" for k in vk],
            "kind": vk, "owner_person_id": self.persons["person_id"].to_numpy()[
                rng.integers(0, npn, nv)],
            "owner_unit_id": None, "brand": "雅迪", "colour": "白"})
        self.cameras = pd.DataFrame({
            "camera_id": [f"430903000013100{i:05d}" for i in range(4)],
            "name": [f"康富路口{i}" for i in range(4)], "lon": lon[:4], "lat": lat[:4],
            "road_id": "R1", "direction": ["N", "S", "E", "W"],
            "township_code": "430902001", "county_adcode": "430902",
            "install_date": [dt.date(2022, 1, 1)] * 4, "has_ebike_algo": [True] * 4})
        self.camera_outages = pd.DataFrame({"camera_id": [self.cameras["camera_id"][0]],
                                            "start": [s0 + pd.Timedelta(days=3)],
                                            "end": [s0 + pd.Timedelta(days=4)]})
        self.checkpoints = pd.DataFrame({"checkpoint_id": ["KK01"], "name": ["收费站"],
                                         "lon": [112.3], "lat": [28.6], "road_id": ["R1"]})
        ne = 240
        occ = s0 + pd.to_timedelta(rng.integers(0, self.days * 86400, ne), unit="s")
        cats = np.array(["theft", "burglary", "dispute", "fire", "traffic_accident",
                         "traffic_violation", "fraud", "public_order"])[rng.integers(0, 8, ne)]
        chan = {"theft": ["calls_110", "admin_cases", "grid_events"],
                "burglary": ["calls_110", "criminal_cases"],
                "dispute": ["disputes", "hotline_12345", "calls_110"],
                "fire": ["fire_incidents", "calls_110"],
                "traffic_accident": ["traffic_accidents"],
                "traffic_violation": ["traffic_violations"],
                "fraud": ["fraud_reports", "criminal_cases"],
                "public_order": ["calls_110", "admin_cases", "hotline_12345"]}
        e_addr = rng.integers(0, na, ne)
        pid = self.persons["person_id"].to_numpy()
        p1, p2 = pid[rng.integers(0, npn, ne)], pid[rng.integers(0, npn, ne)]
        house_ids = self.houses["house_id"].to_numpy()
        self.events = pd.DataFrame({
            "event_id": [f"E{i:05d}" for i in range(ne)], "category": cats,
            "subcategory": "", "occurred_at": occ,
            "reported_at": occ + pd.to_timedelta(rng.integers(60, 7200, ne), unit="s"),
            "lon": lon[e_addr], "lat": lat[e_addr], "h3_9": e_addr.astype("int64"),
            "address_id": self.addresses["address_id"].to_numpy()[e_addr],
            "house_id": np.where(rng.random(ne) < 0.3, house_ids[rng.integers(0, nh, ne)], None),
            "unit_id": None, "person_ids": [[a, b] for a, b in zip(p1, p2, strict=True)],
            "victim_person_id": p1, "suspect_person_id": np.where(rng.random(ne) < 0.5, p2, None),
            "severity": rng.integers(1, 4, ne), "escalated_from": None,
            "channels": [chan[c] for c in cats],
            "description": ["报警人称在路边发生纠纷,\n请求出警" if i % 7 == 0 else "简要情况"
                            for i in range(ne)]})
        days = pd.date_range(s0, periods=self.days, freq="D")
        self.intensity = pd.DataFrame({"h3_9": np.repeat(np.arange(3), len(days)),
                                       "date": np.tile(days.date, 3), "category": "theft",
                                       "expected": 0.1})
        self.true_violation_rates = pd.DataFrame({"violation": ["no_helmet"], "camera_id": ["*"],
                                                  "rate": [0.2]})
        stays = 60
        hotels = self.units.loc[self.units["kind"] == "hotel", "unit_id"].to_numpy()
        ci = s0 + pd.to_timedelta(rng.integers(0, self.days * 24, stays), unit="h")
        self.hotel_stays = pd.DataFrame({
            "stay_id": [f"S{i:05d}" for i in range(stays)],
            "unit_id": hotels[rng.integers(0, len(hotels), stays)],
            "person_id": pid[rng.integers(0, npn, stays)], "check_in": ci,
            "check_out": ci + pd.Timedelta(hours=20)})
        self.smoke_alarms = pd.DataFrame({"device_id": ["SD00001", "SD00002", "SD00003"],
                                          "ts": [s0 + pd.Timedelta(days=d) for d in (1, 20, 40)],
                                          "alarm_type": ["smoke", "low_battery", "smoke"]})
        self.elevator_ebike_alarms = pd.DataFrame({
            "building_id": ["B0001", "B0002", "B0001"],
            "ts": [s0 + pd.Timedelta(days=d, hours=20) for d in (2, 30, 50)]})
        self.power_anomalies = pd.DataFrame({
            "power_meter_id": ["PM0000001", "PM0000002", "PM0000003", "PM0000004"],
            "month": ["202607", "202607", "202608", "202608"], "kwh": [820.5, 90.0, 1300, 0.0],
            "anomaly_kind": ["surge", "night_high", "group_rental", "zero"]})
        self.waterlogging = pd.DataFrame({"sensor_id": ["W1", "W1", "W2"], "lon": [112.3] * 3,
                                          "lat": [28.6] * 3,
                                          "ts": [s0 + pd.Timedelta(hours=h) for h in (5, 6, 800)],
                                          "depth_cm": [12.0, 20.5, 3.0]})
        self.weather = pd.DataFrame({"station_id": "57671", "date": days.date,
                                     "tmax": 33.0, "tmin": 25.0, "precip_mm": 1.2, "wind": 2.1})
        self.market_days = pd.DataFrame({"township_code": ["430902001", "430903002"],
                                         "rule": ["逢一四七", "逢三六九"],
                                         "dates": [[dt.date(2026, 7, 1), dt.date(2026, 7, 4)],
                                                   [dt.date(2026, 7, 3)]]})
        smi = self.persons.loc[self.persons["smi"], "person_id"].to_numpy()
        self.smi_followups = pd.DataFrame({
            "person_id": np.repeat(smi, 2),
            "date": np.tile([dt.date(2026, 7, 10), dt.date(2026, 8, 10)], len(smi)),
            "status": "done", "doctor": "李医生"})
        self.fire_inspections = pd.DataFrame({"unit_id": self.units["unit_id"][:6].to_numpy(),
                                              "date": [dt.date(2026, 7, 5 + i) for i in range(6)],
                                              "n_hazards": [0, 2, 0, 1, 3, 0]})
        self.wage_arrears = pd.DataFrame({"unit_id": self.units["unit_id"][:3].to_numpy(),
                                          "date": [dt.date(2026, 8, 1 + i) for i in range(3)],
                                          "n_workers": [5, 12, 3],
                                          "amount": [30000.0, 120000.0, 8000.0]})

    # ---- big streams ----
    def iter_ebike_detections(self, chunk_days: int = 1) -> Iterator[pd.DataFrame]:
        s0 = pd.Timestamp(self.start).tz_localize(TZ)
        for d in range(self.days):
            rng = np.random.default_rng([self.seed, d])
            n = 50
            yield pd.DataFrame({
                "detection_id": [f"D{d:03d}{i:05d}" for i in range(n)],
                "camera_id": self.cameras["camera_id"].to_numpy()[rng.integers(0, 4, n)],
                "ts": s0 + pd.Timedelta(days=d) + pd.to_timedelta(
                    np.sort(rng.integers(0, 86400, n)), unit="s"),
                "vehicle_class": "ebike", "true_violation": "no_helmet",
                "detected_violation": np.where(rng.random(n) < 0.8, "no_helmet", "none"),
                "is_delivery": rng.random(n) < 0.3, "platform": None,
                "confidence": rng.random(n), "plate_partial": "益阳A1**45",
                "snapshot_ref": "img://x"})

    def iter_ebike_flow(self, chunk_days: int = 1) -> Iterator[pd.DataFrame]:
        s0 = pd.Timestamp(self.start).tz_localize(TZ)
        for d in range(self.days):
            fl = pd.date_range(s0 + pd.Timedelta(days=d), periods=96, freq="15min")
            yield pd.DataFrame({"camera_id": self.cameras["camera_id"][0], "interval_start": fl,
                                "n_ebike": (np.arange(96) * 7 + d) % 31, "n_tricycle": 1,
                                "n_motorcycle": 0})

    def audit_sample(self, n: int) -> pd.DataFrame:
        d = next(self.iter_ebike_detections())
        d = d.head(n)
        return d[["detection_id", "camera_id", "detected_violation", "true_violation"]]

    def iter_hazmat_gps(self) -> Iterator[pd.DataFrame]:
        s0 = pd.Timestamp(self.start).tz_localize(TZ)
        for d in range(self.days):
            ts = s0 + pd.Timedelta(days=d) + pd.to_timedelta(np.arange(0, 86400, 3600), unit="s")
            yield pd.DataFrame({"plate": "湘H12345", "ts": ts, "lon": 112.3, "lat": 28.6,
                                "speed_kmh": 40.0, "heading": 90})

    def iter_checkpoint_passes(self) -> Iterator[pd.DataFrame]:
        s0 = pd.Timestamp(self.start).tz_localize(TZ)
        for d in range(self.days):
            ts = s0 + pd.Timedelta(days=d) + pd.to_timedelta(np.arange(0, 86400, 7200), unit="s")
            yield pd.DataFrame({"checkpoint_id": "KK01", "ts": ts, "plate": "湘H54321",
                                "direction": "进城"})
