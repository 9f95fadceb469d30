"""E-bike flows and AI violation detections per camera, generated lazily per day.

Per camera with the e-bike algorithm and per 15-minute interval, passes are Poisson with a
mean from the camera's place (urban, road kind, hidden busy-ness), the hour profile
(commute peaks, lunch/dinner delivery peaks), weekday/holiday and outages (0 when down).
Each pass has at most one true violation, drawn with rates that depend on rider type
(delivery riders run red lights and ride the wrong way more), place (rural: no helmet,
illegal passengers; arterials: lane mixing), hour (night: red light) and a hidden per-camera
factor. The AI then reports with per-type recall and precision below 1.

Rows of ``iter_ebike_detections``: every pass with a true or a detected violation
(misses are rows with ``detected_violation == "none"``; the feed keeps only detections).
A pass gives at most one row. The e-bike passes of the flow (``n_ebike``) give the rows of
``vehicle_class`` ``ebike`` and nothing else: ``true_violation_rates`` are rates per e-bike
pass, so e-bike rows over ``n_ebike`` estimate them. Tricycle and motorcycle passes
(``n_tricycle``, ``n_motorcycle``) give rows of their own class, with the ordinary riders'
rates and the same detector.
Volume: ≈ 50 million rows per 30 days at scale 1.0, linear in scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data_contracts.vocab import VIOLATION_TYPES

VIOLS = [v for v in VIOLATION_TYPES if v != "none"]
#: Base true per-pass rates (ordinary rider, urban secondary road, daytime).
BASE_RATE = {"no_helmet": 0.16, "lane_mixing": 0.05, "illegal_passenger": 0.03,
             "red_light": 0.025, "wrong_way": 0.025}
DELIVERY_MULT = {"no_helmet": 0.8, "lane_mixing": 1.3, "illegal_passenger": 0.2,
                 "red_light": 3.0, "wrong_way": 3.2}
RECALL = {"no_helmet": 0.85, "lane_mixing": 0.8, "illegal_passenger": 0.75,
          "red_light": 0.9, "wrong_way": 0.82}
PRECISION = {"no_helmet": 0.92, "lane_mixing": 0.85, "illegal_passenger": 0.88,
             "red_light": 0.95, "wrong_way": 0.9}
#: Share of the missed violations reported as another type (uniformly one of the other
#: four); they count against the recall of the true type and the precision of the reported
#: one (the clean-pass false positives are reduced to keep PRECISION).
SWAP = 0.1
#: Mean e-bike passes per algorithm camera per day at scale 1.0 (urban busy junction ~
#: thousands; the mean keeps ≈50 M detection rows per month at scale 1.0).
MEAN_DAILY_PASSES_AT_1 = 680.0

_H = np.arange(24) + 0.5


def _hour_profile(delivery: bool) -> np.ndarray:
    g = lambda mu, sd: np.exp(-0.5 * ((_H - mu) / sd) ** 2)
    if delivery:
        p = 0.1 + 1.6 * g(11.8, 1.0) + 1.5 * g(18.0, 1.2) + 0.4 * g(21.5, 1.5) + 0.3 * g(15, 2)
        p[:6] *= 0.2
    else:
        p = 0.05 + 1.3 * g(7.8, 1.0) + 1.2 * g(17.8, 1.3) + 0.5 * g(12.5, 1.5) + 0.3 * g(20, 2)
        p[:5] *= 0.2
    return p / p.sum()


HOUR_ORD = _hour_profile(False)
HOUR_DEL = _hour_profile(True)


def camera_rates(cams: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Per-camera parameters: mean passes/day, delivery share, per-type true rate mults."""
    c = cams[cams["has_ebike_algo"]].reset_index(drop=True)
    n = len(c)
    urban = c["urban"].to_numpy()
    rk = c["road_kind"].to_numpy()
    kindw = np.select([rk == "arterial", rk == "secondary", rk == "local"], [1.6, 1.2, 0.8], 0.35)
    # total detections scale linearly with `scale` while cameras scale as scale**0.537
    per_cam = MEAN_DAILY_PASSES_AT_1 * scale ** (1 - 0.537)
    w = kindw * np.where(urban, 1.4, 0.5) * c["flow_factor"].to_numpy()
    passes = per_cam * w / w.mean()
    delivery_share = np.clip(np.where(urban, 0.14, 0.03) * (0.6 + 0.8 * (rk != "rural")), 0, 0.4)
    seed = (c["camera_id"].str[-6:].astype(int).to_numpy() * 2654435761) % (2**32)
    hid = np.random.default_rng(seed.sum() % (2**32)).lognormal(0, 0.35, (n, len(VIOLS)))
    out = pd.DataFrame({"camera_id": c["camera_id"], "passes_per_day": passes,
                        "delivery_share": delivery_share, "urban": urban, "road_kind": rk})
    for j, v in enumerate(VIOLS):
        place = 1.0
        if v == "no_helmet":
            place = np.where(urban, 1.0, 2.2)
        elif v == "illegal_passenger":
            place = np.where(urban, 1.0, 2.0)
        elif v == "lane_mixing":
            place = np.where(rk == "arterial", 1.6, 1.0)
        out[f"m_{v}"] = place * hid[:, j]
    return out


def _rates_matrix(cr: pd.DataFrame, hour: np.ndarray, delivery: bool,
                  rows: np.ndarray | None = None) -> np.ndarray:
    """True per-pass rates (n, 5) for camera rows (``rows`` indexes ``cr``; default all)
    and hours."""
    mult = cr[[f"m_{v}" for v in VIOLS]].to_numpy()
    if rows is not None:
        mult = mult[rows]
    base = np.array([BASE_RATE[v] * (DELIVERY_MULT[v] if delivery else 1.0) for v in VIOLS])
    R = mult * base[None, :]
    night = (hour >= 21) | (hour < 6)
    R[:, VIOLS.index("red_light")] *= np.where(night, 1.8, 1.0)
    s = R.sum(axis=1, keepdims=True)
    return np.where(s > 0.8, R * 0.8 / s, R)


def day_multiplier(cal_row: pd.Series) -> float:
    if bool(cal_row["public_holiday"]):
        return 0.85
    return 1.0 if bool(cal_row["is_workday"]) else 0.8


def flow_for_day(cr: pd.DataFrame, outages: pd.DataFrame, cal_row: pd.Series,
                 rng: np.random.Generator) -> pd.DataFrame:
    """15-minute flows (ebike passes split ordinary/delivery, tricycles, motorcycles)."""
    n = len(cr)
    day = pd.Timestamp(cal_row["date"]).tz_localize("Asia/Shanghai")
    q = np.arange(96)
    hour = q // 4
    mult = day_multiplier(cal_row)
    ppd = cr["passes_per_day"].to_numpy()[:, None] * mult
    ds = cr["delivery_share"].to_numpy()[:, None]
    lam_o = ppd * (1 - ds) * HOUR_ORD[hour][None, :] / 4
    lam_d = ppd * ds * HOUR_DEL[hour][None, :] / 4
    n_o = rng.poisson(lam_o)
    n_d = rng.poisson(lam_d)
    rural = ~cr["urban"].to_numpy()[:, None]
    n_tri = rng.poisson((lam_o + lam_d) * np.where(rural, 0.25, 0.06))
    n_moto = rng.poisson((lam_o + lam_d) * np.where(rural, 0.35, 0.08))
    starts = day + pd.to_timedelta(q * 15, unit="min")
    down = _down_mask(cr["camera_id"].to_numpy(), starts, outages)
    n_o[down] = 0
    n_d[down] = 0
    n_tri[down] = 0
    n_moto[down] = 0
    return pd.DataFrame({
        "camera_id": np.repeat(cr["camera_id"].to_numpy(), 96),
        "interval_start": pd.DatetimeIndex(np.tile(starts.tz_convert("UTC").tz_localize(None)
                                                   .as_unit("ns").asi8, n)).tz_localize(
            "UTC").tz_convert("Asia/Shanghai"),
        "n_ebike": (n_o + n_d).ravel(), "n_tricycle": n_tri.ravel(),
        "n_motorcycle": n_moto.ravel(), "_n_ord": n_o.ravel(), "_n_del": n_d.ravel(),
    })


def _down_mask(cam_ids: np.ndarray, starts: pd.DatetimeIndex,
               outages: pd.DataFrame) -> np.ndarray:
    """(n_cam, 96) True where an outage covers the interval start."""
    mask = np.zeros((len(cam_ids), len(starts)), bool)
    if len(outages) == 0:
        return mask
    d0, d1 = starts[0], starts[-1] + pd.Timedelta(minutes=15)
    o = outages[(outages["start"] < d1) & (outages["end"] > d0)]
    if len(o) == 0:
        return mask
    ci = pd.Index(cam_ids).get_indexer(o["camera_id"])
    o = o[ci >= 0]
    ci = ci[ci >= 0]
    s = pd.DatetimeIndex(starts).as_unit("ns").asi8
    a = np.searchsorted(s, pd.DatetimeIndex(o["start"]).as_unit("ns").asi8)
    b = np.searchsorted(s, pd.DatetimeIndex(o["end"]).as_unit("ns").asi8)
    for c, x, y in zip(ci.tolist(), a.tolist(), b.tolist(), strict=True):  # few per day
        mask[c, x:y] = True
    return mask


def detections_for_day(cr: pd.DataFrame, flow: pd.DataFrame, day_index: int,
                       vehicles_ord: np.ndarray, vehicles_del: np.ndarray,
                       rider_platform: np.ndarray, plates: pd.Series,
                       rng: np.random.Generator,
                       plates_masked: np.ndarray | None = None) -> pd.DataFrame:
    """Violation rows (true and/or detected) for one day's flow (integer codes inside,
    strings only at the end; ~1-2 M rows/s)."""
    if plates_masked is None:
        plates_masked = mask_plates(plates.to_numpy())
    n_cam = len(cr)
    q = np.tile(np.arange(96), n_cam)
    cam_i = np.repeat(np.arange(n_cam), 96)
    hour = q // 4
    rec = np.array([RECALL[v] for v in VIOLS])
    prec = np.array([PRECISION[v] for v in VIOLS])
    parts_ci, parts_q, parts_t, parts_d, parts_del, parts_cls = [], [], [], [], [], []
    # (rider type, flow column, vehicle class code): the class comes from the pass counted,
    # never relabelled afterwards (an e-bike pass is an e-bike row).
    groups = ((False, "_n_ord", 0), (True, "_n_del", 0),
              (False, "n_tricycle", 1), (False, "n_motorcycle", 2))
    for delivery, col, vclass in groups:
        npass = flow[col].to_numpy()
        m = npass > 0
        ci, qi, hi, npass = cam_i[m], q[m], hour[m], npass[m]
        R = _rates_matrix(cr, hi, delivery, rows=ci)
        p = np.column_stack([R, 1 - R.sum(axis=1)])
        counts = rng.multinomial(npass, p)  # (rows, 6): five violations + none
        five = np.tile(np.arange(5), len(ci))
        row5 = np.repeat(np.arange(len(ci)), 5)
        reps = counts[:, :5].ravel()
        j = np.repeat(five, reps)
        rows = np.repeat(row5, reps)
        # false positives among the none passes, so that precision ≈ PRECISION: all false
        # reports of v are FP_v = TP_v (1 - p_v) / p_v; the misses of other types reported as
        # v (SWAP of them, spread evenly over the 4 other types) are some of them, clean
        # passes give the rest, spread over the none passes of the row; one multinomial
        # draw per row so that a clean pass is reported at most once (FP rows ≤ none passes)
        swap_out = R * (1 - rec) * SWAP / 4  # per pass, misses of j reported as each other
        swap_in = swap_out.sum(axis=1, keepdims=True) - swap_out
        fp_clean = np.maximum(R * rec * (1 - prec) / prec - swap_in, 0)
        fp_rate = np.clip(fp_clean / np.maximum(p[:, 5:6], 1e-6), 0, 0.5)
        tot = fp_rate.sum(axis=1, keepdims=True)
        fp_rate = np.where(tot > 0.95, fp_rate * 0.95 / np.maximum(tot, 1e-12), fp_rate)
        fp = rng.multinomial(counts[:, 5], np.column_stack([fp_rate, 1 - fp_rate.sum(axis=1)]))
        fp = fp[:, :5].ravel()
        jf = np.repeat(five, fp)
        rf = np.repeat(row5, fp)
        hit = rng.random(len(j)) < rec[j]
        # SWAP of the misses are reported as another type (confusion), the rest as none
        other = (j + rng.integers(1, 5, len(j))) % 5
        swap = ~hit & (rng.random(len(j)) < SWAP)
        det = np.where(hit, j, np.where(swap, other, 5))
        r_all = np.r_[rows, rf]
        parts_ci.append(ci[r_all])
        parts_q.append(qi[r_all])
        parts_t.append(np.r_[j, np.full(len(jf), 5)])
        parts_d.append(np.r_[det, jf])
        parts_del.append(np.full(len(r_all), delivery))
        parts_cls.append(np.full(len(r_all), vclass, dtype=np.int8))
    ci = np.concatenate(parts_ci)
    qq = np.concatenate(parts_q)
    tcode = np.concatenate(parts_t)
    dcode = np.concatenate(parts_d)
    deliv = np.concatenate(parts_del)
    vcode = np.concatenate(parts_cls)
    n = len(ci)
    sec = qq.astype(np.int64) * 900 + rng.integers(0, 900, n)
    order = np.argsort(sec, kind="stable")
    ci, sec, tcode, dcode, deliv, vcode = (ci[order], sec[order], tcode[order], dcode[order],
                                           deliv[order], vcode[order])
    base = flow["interval_start"].iloc[0].normalize()
    ts = base + pd.to_timedelta(sec, unit="s")
    conf = np.where(dcode == 5, rng.beta(2, 5, n),
                    np.where(tcode == dcode, rng.beta(9, 2, n), rng.beta(4, 3, n)))
    # vehicles: delivery riders' e-bikes vs the rest
    vi = np.where(deliv, vehicles_del[rng.integers(0, max(len(vehicles_del), 1), n)]
                  if len(vehicles_del) else -1,
                  vehicles_ord[rng.integers(0, max(len(vehicles_ord), 1), n)])
    cls = np.array(["ebike", "tricycle", "motorcycle"], dtype=object)
    readable = rng.random(n) < 0.55
    masked = plates_masked[np.maximum(vi, 0)]
    names = np.array(VIOLS + ["none"], dtype=object)
    # ids built in Arrow (C++ string kernels): 'D' + 4-digit day + 8-digit running number
    nums = pa.array(np.arange(n, dtype=np.int64) + (10**12 + day_index * 10**8)).cast(pa.string())
    did_a = pc.binary_join_element_wise("D", pc.utf8_slice_codeunits(nums, 1), "")
    snap_a = pc.binary_join_element_wise("snap/", did_a, ".jpg", "")
    did = did_a.to_numpy(zero_copy_only=False)
    cams = cr["camera_id"].to_numpy().astype(object)
    vids = plates.index.to_numpy().astype(object)
    return pd.DataFrame({
        "detection_id": did, "camera_id": cams[ci], "ts": ts,
        "vehicle_class": cls[vcode], "true_violation": names[tcode],
        "detected_violation": names[dcode], "is_delivery": deliv,
        "platform": np.where(deliv, rider_platform[np.maximum(vi, 0)], None),
        "confidence": conf.round(3), "plate_partial": np.where(readable, masked, None),
        "snapshot_ref": snap_a.to_numpy(zero_copy_only=False),
        "vehicle_id": np.where(vi >= 0, vids[np.maximum(vi, 0)], None),
    })


def mask_plates(plates: np.ndarray) -> np.ndarray:
    """'益阳A123456' → '益阳A12**56' (what a snapshot OCR gives: head and tail)."""
    s = pd.Series(plates, dtype=object).astype(str)
    return (s.str[:5] + "**" + s.str[-2:]).to_numpy(dtype=object)


def true_rates_table(cr: pd.DataFrame) -> pd.DataFrame:
    """True per-pass violation rates per camera (averaged over the day's passes: hour
    profile and delivery mix) and city-wide (camera_id '*', weighted by passes)."""
    ds = cr["delivery_share"].to_numpy()
    R = np.zeros((len(cr), len(VIOLS)))
    for h in range(24):  # loop over hours
        hh = np.full(len(cr), h)
        wo = (1 - ds) * HOUR_ORD[h]
        wd = ds * HOUR_DEL[h]
        R += wo[:, None] * _rates_matrix(cr, hh, False) + wd[:, None] * _rates_matrix(cr, hh, True)
    rows = []
    w = cr["passes_per_day"].to_numpy()
    for j, v in enumerate(VIOLS):
        rows.append(pd.DataFrame({"violation": v, "camera_id": cr["camera_id"],
                                  "rate": R[:, j]}))
        rows.append(pd.DataFrame({"violation": [v], "camera_id": ["*"],
                                  "rate": [float((R[:, j] * w).sum() / w.sum())]}))
    return pd.concat(rows, ignore_index=True)


def day_rng(seed: int, stream: int, day: int) -> np.random.Generator:
    """Independent generator for (seed, stream, day): chunking never changes values."""
    return np.random.default_rng(np.random.SeedSequence([seed, stream, day]))


def iter_days(start: dt.date, days: int, chunk_days: int) -> Iterator[list[int]]:
    for a in range(0, days, chunk_days):
        yield list(range(a, min(a + chunk_days, days)))
