"""Model calibration and validation (模型率定验证) of the violation detectors.

From manual audits we estimate, per violation type (and per camera with enough audits),
the detector's precision and recall with Wilson intervals, and correct the raw ("apparent")
violation rates for misclassification with the Rogan–Gladen estimator.

Derivation (binary view of one violation type ``v``; p = true rate per pass, AP = apparent
rate = detections of ``v`` / passes, Se = sensitivity = recall, Sp = specificity,
PPV = precision)::

    AP  = Se·p + (1 − Sp)·(1 − p)                         (what the detector reports)
    p   = (AP + Sp − 1) / (Se + Sp − 1)                    (Rogan–Gladen, 1978)

Audits of *detections* estimate PPV, not Sp. Since PPV = Se·p / AP, the true positives per
pass are Se·p = AP·PPV, hence::

    p   = AP · PPV / Se
    1 − Sp = AP·(1 − PPV) / (1 − p)                        (the specificity this implies)

and substituting that Sp into Rogan–Gladen returns exactly ``AP·PPV/Se``: the two are the
same estimator, written with the quantities audits can measure. :func:`rogan_gladen` is the
textbook form for when Se and Sp are known; :func:`calibrated_rate` is the PPV/recall form.

Recall needs audited *misses*. Two sources, in order of preference:

1. ``audit_clips`` (camera_id, violation, reviewed_passes, missed_count, found_count):
   reviewers watched clips and counted the violations the detector reported (found) and
   missed; recall = found / (found + missed).
2. The audit rows themselves, when they include detections reported as ``none``: the
   audit sample is treated as stratified by the detected class (any sampling rate per
   stratum), each audited row weighted by N_d / n_d (detections of class d / audited rows of
   class d), and recall_v = Σw·[det=v ∧ true=v] / Σw·[true=v]; the Wilson interval uses
   Kish's effective sample size. Without audited ``none`` detections misses are invisible
   and recall is left missing (NaN) rather than silently 1.

Confidence intervals of the calibrated rate: log p = log AP + log PPV − log Se is a sum of
three independent estimates (AP over passes, PPV over audited detections, Se over the recall
sample). Each gets its Wilson interval, and the interval of the sum is recovered from them
with MOVER (method of variance estimates recovery; Zou & Donner 2008, Newcombe 2013),
estimates without suffix::

    L = log p − √[(log AP − log AP_lo)² + (log PPV − log PPV_lo)² + (log Se_hi − log Se)²]
    U = log p + √[(log AP_hi − log AP)² + (log PPV_hi − log PPV)² + (log Se − log Se_lo)²]

Unlike the symmetric delta method on log p, this keeps the skew of a proportion near 1:
with a few dozen audits an estimated PPV of 1 is common, and its uncertainty is all below.
(Monte Carlo, 4,000 replicates each: the delta method covered 88 % at 15 precision audits
and 94 % at 100; MOVER 94-96 % in both; ``tests/scoring/camera/test_camera_calibration.py``.)
Where the estimate is 0 (no detections, or no audited detection confirmed) the interval is
[0, AP_hi·PPV_hi/Se_lo]. A parametric bootstrap from the Jeffreys Beta posteriors
(:func:`calibrated_rate_bootstrap`) is the cross-check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from scoring.camera.indicators import VIOLATIONS

__all__ = [
    "calibrate",
    "calibrated_rate",
    "calibrated_rate_bootstrap",
    "precision_recall",
    "rogan_gladen",
    "wilson_interval",
]

Z95 = float(stats.norm.ppf(0.975))


def wilson_interval(successes: ArrayLike, n: ArrayLike, z: float = Z95
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Wilson score interval for a binomial proportion (NaN where n = 0). ``n`` may be a
    non-integer effective sample size."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ph = x / n
        den = 1 + z**2 / n
        centre = (ph + z**2 / (2 * n)) / den
        half = z * np.sqrt(ph * (1 - ph) / n + z**2 / (4 * n**2)) / den
    lo = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    hi = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return lo, hi


def rogan_gladen(apparent: ArrayLike, se: ArrayLike, sp: ArrayLike) -> NDArray[np.float64]:
    """True prevalence from apparent prevalence, sensitivity and specificity, clipped to
    [0, 1]: ``(AP + Sp − 1) / (Se + Sp − 1)`` (NaN where Se + Sp ≤ 1)."""
    ap, se_, sp_ = (np.asarray(a, dtype=float) for a in (apparent, se, sp))
    den = se_ + sp_ - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(den > 0, (ap + sp_ - 1) / den, np.nan)
    return np.clip(p, 0, 1)


def calibrated_rate(
    n_detected: ArrayLike, n_passes: ArrayLike,
    tp: ArrayLike, n_ppv: ArrayLike,
    found: ArrayLike, n_se: ArrayLike,
    z: float = Z95,
) -> pd.DataFrame:
    """Rogan–Gladen-calibrated rate ``AP·PPV/Se`` with a MOVER interval on log scale (see the
    module docstring).

    Parameters (arrays broadcast together): ``n_detected`` detections of the type and
    ``n_passes`` passes (AP = n_detected / n_passes); ``tp`` audited detections confirmed out
    of ``n_ppv`` audited (PPV); ``found`` true violations detected out of ``n_se`` true
    violations in the recall sample (Se; may be weighted/effective counts). ``z``: normal
    quantile of the interval (1.96 = 95 %).

    Returns a DataFrame: raw_rate, precision, recall, implied_specificity, calibrated_rate,
    cal_lo, cal_hi.
    """
    nd, npas, tp_, nppv, fd, nse = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(a, dtype=float))
          for a in (n_detected, n_passes, tp, n_ppv, found, n_se)))
    ap_lo, ap_hi = wilson_interval(nd, npas, z)
    ppv_lo, ppv_hi = wilson_interval(tp_, nppv, z)
    se_lo, se_hi = wilson_interval(fd, nse, z)
    with np.errstate(invalid="ignore", divide="ignore"):
        ap = nd / npas
        ppv = tp_ / nppv
        se = fd / nse
        raw = ap * ppv / se
        p = np.clip(raw, 0, 1)
        la, lb, lc = np.log(ap), np.log(ppv), np.log(se)
        lo = np.exp(la + lb - lc - np.sqrt((la - np.log(ap_lo)) ** 2 + (lb - np.log(ppv_lo)) ** 2
                                           + (np.log(se_hi) - lc) ** 2))
        hi = np.exp(la + lb - lc + np.sqrt((np.log(ap_hi) - la) ** 2 + (np.log(ppv_hi) - lb) ** 2
                                           + (lc - np.log(se_lo)) ** 2))
        zero = raw == 0  # nothing detected or nothing confirmed: [0, bound from the limits]
        lo = np.where(zero, 0.0, lo)
        hi = np.where(zero, ap_hi * ppv_hi / se_lo, hi)
        sp = 1 - ap * (1 - ppv) / (1 - p)
    ok = ~np.isnan(p)
    return pd.DataFrame({
        "raw_rate": ap, "precision": ppv, "recall": se, "implied_specificity": sp,
        "calibrated_rate": p, "cal_lo": np.where(ok, np.clip(lo, 0, 1), np.nan),
        "cal_hi": np.where(ok, np.clip(hi, 0, 1), np.nan),
    })


def calibrated_rate_bootstrap(
    n_detected: float, n_passes: float, tp: float, n_ppv: float, found: float, n_se: float,
    *, draws: int = 4000, seed: int = 0, level: float = 0.95,
) -> tuple[float, float, float]:
    """Point estimate and percentile interval of ``AP·PPV/Se`` by parametric bootstrap from
    the Jeffreys Beta posteriors of AP, PPV and Se (for one row; used as a cross-check)."""
    rng = np.random.default_rng(seed)
    ap = rng.beta(n_detected + .5, n_passes - n_detected + .5, draws)
    ppv = rng.beta(tp + .5, n_ppv - tp + .5, draws)
    se = rng.beta(found + .5, n_se - found + .5, draws)
    p = np.clip(ap * ppv / se, 0, 1)
    a = (1 - level) / 2
    est = min(1.0, (n_detected / n_passes) * (tp / n_ppv) / (found / n_se))
    return est, float(np.quantile(p, a)), float(np.quantile(p, 1 - a))


def _recall_from_audits(audits: pd.DataFrame, stratum_sizes: pd.Series | None,
                        by: list[str]) -> pd.DataFrame:
    """Recall per ``by`` + violation from audit rows stratified by detected class.

    Stratum d (detected class, within camera when by camera) has N_d detections of which n_d
    were audited and x_d found truly ``v``; T_d = N_d·x_d/n_d estimates the true-``v`` passes
    detected as d, recall = T_v / Σ_d T_d. Its variance is the delta method over independent
    strata, Var(T_d) = N_d²·π_d(1 − π_d)/n_d with Jeffreys-smoothed π_d; the returned
    ``recall_n`` is the equivalent binomial sample size Se(1 − Se)/Var(Se) (for Wilson).
    Without ``stratum_sizes`` every stratum has N_d = n_d (a simple random sample).
    """
    key = by + ["detected_violation"]
    a = audits.assign(**{f"_x_{v}": (audits["true_violation"] == v).astype(int)
                         for v in VIOLATIONS})
    st = a.groupby(key).agg(n=("detection_id", "size"),
                            **{f"x_{v}": (f"_x_{v}", "sum") for v in VIOLATIONS}).reset_index()
    if stratum_sizes is not None:
        sizes = stratum_sizes.rename("N").reset_index()
        sizes.columns = [*key, "N"]
        st = st.merge(sizes, on=key, how="left")
        st["N"] = st["N"].fillna(st["n"]).clip(lower=st["n"]).astype(float)
    else:
        st["N"] = st["n"].astype(float)
    st["neg"] = (st["detected_violation"] == "none").astype(int)
    rows = []
    for v in VIOLATIONS:
        x, n, big = st[f"x_{v}"].to_numpy(float), st["n"].to_numpy(float), st["N"].to_numpy()
        pi = (x + .5) / (n + 1)
        is_v = (st["detected_violation"] == v).to_numpy()
        g = pd.DataFrame({k: st[k].to_numpy() for k in by} | {
            "T": big * x / n, "varT": big**2 * pi * (1 - pi) / n,
            "Tv": np.where(is_v, big * x / n, 0.0), "varTv": np.where(is_v, big**2 * pi * (1 - pi) / n, 0.0),
            "x": x, "neg": st["neg"].to_numpy()})
        s = g.groupby(by).sum().reset_index() if by else g.sum().to_frame().T
        S, Tv = s["T"].to_numpy(float), s["Tv"].to_numpy(float)
        has_neg = s["neg"].to_numpy() > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            rec = np.where(S > 0, Tv / S, np.nan)
            var = (((S - Tv) / S**2) ** 2 * s["varTv"].to_numpy(float)
                   + (Tv / S**2) ** 2 * (s["varT"].to_numpy(float) - s["varTv"].to_numpy(float)))
            rc = np.clip(rec, 0.01, 0.99)
            neff = np.where(var > 0, rc * (1 - rc) / var, s["x"].to_numpy(float))
        out = s[by].copy() if by else pd.DataFrame(index=[0])
        out["violation"] = v
        ok = has_neg & ~np.isnan(rec)
        out["recall_n"] = np.where(ok, neff, 0.0)
        out["recall_found"] = np.where(ok, np.nan_to_num(rec * neff), 0.0)
        out["recall"] = np.where(has_neg, rec, np.nan)
        out["recall_source"] = np.where(has_neg, "audits", "none")
        rows.append(out)
    return pd.concat(rows, ignore_index=True)


def precision_recall(
    audits: pd.DataFrame,
    audit_clips: pd.DataFrame | None = None,
    *,
    by_camera: bool = False,
    detection_totals: pd.Series | None = None,
) -> pd.DataFrame:
    """Precision and recall per violation type (``by_camera``: per camera and type), with
    Wilson 95 % intervals.

    ``audits``: detection_id, camera_id, detected_violation, true_violation.
    ``audit_clips``: camera_id, violation, reviewed_passes, missed_count, found_count.
    ``detection_totals``: detections per detected class, the stratum sizes for weighting the
    recall from audits: a Series indexed by violation code (incl. ``none``), or by
    (camera_id, violation) when ``by_camera``.

    Columns: [camera_id], violation, n_audited, tp, precision, precision_lo, precision_hi,
    recall_n, recall_found, recall, recall_lo, recall_hi, recall_source.
    """
    by = ["camera_id"] if by_camera else []
    a = audits
    det_v = a[a["detected_violation"] != "none"]
    g = det_v.assign(tp=(det_v["detected_violation"] == det_v["true_violation"]).astype(int))
    prec = (g.groupby(by + ["detected_violation"]).agg(n_audited=("tp", "size"), tp=("tp", "sum"))
            .reset_index().rename(columns={"detected_violation": "violation"}))
    keys = (a[by].drop_duplicates() if by else pd.DataFrame(index=[0]))
    grid = keys.merge(pd.DataFrame({"violation": list(VIOLATIONS)}), how="cross")
    out = grid.merge(prec, on=by + ["violation"], how="left").fillna({"n_audited": 0, "tp": 0})
    out["precision"] = np.where(out["n_audited"] > 0, out["tp"] / out["n_audited"].where(
        out["n_audited"] > 0), np.nan)
    out["precision_lo"], out["precision_hi"] = wilson_interval(out["tp"], out["n_audited"])

    rec = _recall_from_audits(a, detection_totals, by)
    if audit_clips is not None and len(audit_clips):
        c = audit_clips
        cs = (c.groupby(by + ["violation"])[["found_count", "missed_count"]].sum().reset_index())
        cs["recall_n"] = (cs["found_count"] + cs["missed_count"]).astype(float)
        cs["recall_found"] = cs["found_count"].astype(float)
        cs["recall"] = cs["recall_found"] / cs["recall_n"].where(cs["recall_n"] > 0)
        cs["recall_source"] = "clips"
        cs = cs[by + ["violation", "recall_n", "recall_found", "recall", "recall_source"]]
        rec = (pd.concat([cs, rec], ignore_index=True)
               .drop_duplicates(subset=by + ["violation"], keep="first"))
    out = out.merge(rec, on=by + ["violation"], how="left")
    out["recall_n"] = out["recall_n"].fillna(0.0)
    out["recall_found"] = out["recall_found"].fillna(0.0)
    out["recall_source"] = out["recall_source"].fillna("none")
    lo, hi = wilson_interval(out["recall_found"], out["recall_n"])
    ok = out["recall"].notna()
    out["recall_lo"], out["recall_hi"] = np.where(ok, lo, np.nan), np.where(ok, hi, np.nan)
    cols = by + ["violation", "n_audited", "tp", "precision", "precision_lo", "precision_hi",
                 "recall_n", "recall_found", "recall", "recall_lo", "recall_hi", "recall_source"]
    return out[cols]


def calibrate(
    counts: pd.DataFrame,
    audits: pd.DataFrame,
    audit_clips: pd.DataFrame | None = None,
    *,
    min_camera_audits: int = 30,
    level: float = 0.95,
) -> pd.DataFrame:
    """Raw and calibrated violation rates, city-wide per type and per camera.

    ``counts``: per camera n_passes, n_det and ``n_<violation>`` (see
    :func:`scoring.camera.indicators.camera_type_counts`). Cameras with at least
    ``min_camera_audits`` audited detections use their own precision/recall where defined;
    the others use the city-wide (pooled) values. ``level``: confidence level of the
    intervals of the calibrated rates (precision/recall intervals are always 95 %).

    Columns: scope ('type' | 'camera'), camera_id (None for scope type), violation,
    n_passes, n_detected, raw_rate, precision [lo, hi], recall [lo, hi], recall_source,
    calibration_source ('camera' | 'pooled'), implied_specificity, rate_lower_bound
    (raw × precision: a lower bound of the true rate valid without recall), calibrated_rate,
    cal_lo, cal_hi (NaN where recall is unknown: no audit clips and no audited 'none'
    detections), n_audited.
    """
    totals = pd.Series({v: counts[f"n_{v}"].sum() for v in VIOLATIONS})
    totals["none"] = counts["n_det"].sum() - totals.sum()
    pooled = precision_recall(audits, audit_clips, detection_totals=totals)

    city = pd.DataFrame({"violation": list(VIOLATIONS),
                         "n_passes": float(counts["n_passes"].sum()),
                         "n_detected": [float(totals[v]) for v in VIOLATIONS]})
    city = city.merge(pooled, on="violation")
    z = float(stats.norm.ppf(0.5 + level / 2))
    res = calibrated_rate(city["n_detected"], city["n_passes"], city["tp"], city["n_audited"],
                          city["recall_found"], city["recall_n"], z=z)
    city = pd.concat([city, res.drop(columns=["precision", "recall"])], axis=1)
    city["scope"], city["camera_id"], city["calibration_source"] = "type", None, "pooled"

    # Per camera.
    long = counts.melt(id_vars=["camera_id", "n_passes", "n_det"],
                       value_vars=[f"n_{v}" for v in VIOLATIONS],
                       var_name="violation", value_name="n_detected")
    long["violation"] = long["violation"].str.slice(2)
    n_cam_aud = audits.groupby("camera_id").size()
    rich = n_cam_aud[n_cam_aud >= min_camera_audits].index
    cam_pr = pd.DataFrame(columns=["camera_id", "violation"])
    if len(rich):
        sub = audits[audits["camera_id"].isin(rich)]
        clips = (audit_clips[audit_clips["camera_id"].isin(rich)]
                 if audit_clips is not None and len(audit_clips) else None)
        cam_tot = long.set_index(["camera_id", "violation"])["n_detected"]
        none = (counts.set_index("camera_id")["n_det"]
                - counts.set_index("camera_id")[[f"n_{v}" for v in VIOLATIONS]].sum(axis=1))
        none.index = pd.MultiIndex.from_arrays([none.index, ["none"] * len(none)])
        cam_tot = pd.concat([cam_tot, none])
        cam_pr = precision_recall(sub, clips, by_camera=True, detection_totals=cam_tot)
    pr_cols = ["tp", "n_audited", "precision", "precision_lo", "precision_hi", "recall_found",
               "recall_n", "recall", "recall_lo", "recall_hi", "recall_source"]
    cam = long.merge(cam_pr, on=["camera_id", "violation"], how="left")
    for col in pr_cols:
        if col not in cam:
            cam[col] = np.nan
    pool = pooled.set_index("violation")
    own = cam["n_audited"].fillna(0).gt(0) & cam["recall"].notna()
    for col in pr_cols:
        cam[col] = np.where(own, cam[col], cam["violation"].map(pool[col]))
    cam["calibration_source"] = np.where(own, "camera", "pooled")
    res = calibrated_rate(cam["n_detected"], cam["n_passes"], cam["tp"].astype(float),
                          cam["n_audited"].astype(float), cam["recall_found"].astype(float),
                          cam["recall_n"].astype(float), z=z)
    cam = pd.concat([cam.reset_index(drop=True), res.drop(columns=["precision", "recall"])],
                    axis=1)
    cam["scope"] = "camera"
    cols = ["scope", "camera_id", "violation", "n_passes", "n_detected", "raw_rate",
            "n_audited", "tp", "precision", "precision_lo", "precision_hi", "recall_n",
            "recall", "recall_lo", "recall_hi", "recall_source", "calibration_source",
            "implied_specificity", "calibrated_rate", "cal_lo", "cal_hi"]
    out = pd.concat([city[cols], cam[cols]], ignore_index=True)
    # Whatever the recall, true rate ≥ AP·PPV (confirmed detections per pass): the one
    # correction still possible when no misses were audited (calibrated_rate is then NaN).
    out.insert(out.columns.get_loc("calibrated_rate"), "rate_lower_bound",
               out["raw_rate"] * out["precision"])
    for c in ("n_passes", "n_detected", "n_audited", "tp", "recall_n"):
        out[c] = out[c].astype(float)
    return out
