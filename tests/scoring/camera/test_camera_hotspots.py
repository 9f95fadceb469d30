"""Gi* on known patterns, H3 / road weights, Mann-Kendall and emerging-hotspot classes."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy import stats

from scoring.camera import hotspots as hs

VIOLS = ["no_helmet", "lane_mixing", "illegal_passenger", "red_light", "wrong_way"]


def _grid(ring: int = 8) -> tuple[pd.DataFrame, str]:
    c0 = h3.latlng_to_cell(28.55, 112.35, 9)
    cells = sorted(h3.grid_disk(c0, ring))
    ll = np.array([h3.cell_to_latlng(c) for c in cells])
    cams = pd.DataFrame({"camera_id": [f"c{i}" for i in range(len(cells))],
                         "h3_9": [h3.str_to_int(c) for c in cells],
                         "lat": ll[:, 0], "lon": ll[:, 1],
                         "road_id": [f"r{i}" for i in range(len(cells))], "road_name": "路"})
    return cams, c0


def _counts(cams: pd.DataFrame, y: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    bc = pd.DataFrame({"camera_id": cams["camera_id"], "band": "daytime", "n_passes": 1000})
    for v in VIOLS:
        bc[f"n_{v}"] = rng.poisson(5, len(cams))
    bc["n_no_helmet"] = y
    return bc


def test_h3_weights_are_k_ring_neighbours() -> None:
    c0 = h3.latlng_to_cell(28.55, 112.35, 9)
    ring1 = sorted(h3.grid_disk(c0, 1))
    far = h3.str_to_int(min(h3.grid_ring(c0, 5)))
    cells = np.array([h3.str_to_int(c) for c in ring1] + [far])
    w = hs.h3_weights(cells, k=1)
    centre = ring1.index(c0)
    assert w.cardinalities[centre] == 6
    assert w.cardinalities[len(cells) - 1] == 0  # an island
    assert all(w.cardinalities[i] == 3 for i in range(len(ring1)) if i != centre)


def test_planted_cluster_is_found_and_random_field_is_not() -> None:
    rng = np.random.default_rng(0)
    cams, c0 = _grid()
    centre = min(h3.grid_ring(c0, 5))
    planted = {h3.str_to_int(c) for c in h3.grid_disk(centre, 1)}
    y = rng.poisson(5, len(cams)) + np.where(cams["h3_9"].isin(planted), 30, 0)
    r = hs.hotspots_h3(_counts(cams, y, rng), cams, bands=("daytime",))
    nh = r[r["violation"] == "no_helmet"]
    hot = set(nh.loc[nh["class"] == "hot", "h3"])
    assert planted <= hot  # every planted cell is a significant hot spot
    assert len(hot - {h3.str_to_int(c) for c in h3.grid_disk(centre, 2)}) == 0  # nothing far off
    # Random Poisson fields of the other four types: (almost) nothing survives FDR.
    other = r[r["violation"] != "no_helmet"]
    assert (other["class"] != "ns").mean() < 0.01
    assert {"h3", "z", "p", "p_fdr", "class"} <= set(r.columns)
    assert (r["p_fdr"] >= r["p"] - 1e-12).all()


def test_gi_star_matches_esda_docs_example() -> None:
    import libpysal

    points = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
    w = libpysal.weights.DistanceBand(points, threshold=15, silence_warnings=True)
    y = np.array([2, 3, 3.2, 5, 8, 7])
    r = hs.gi_star(y, w)
    # esda documentation: G_Local(y, w, transform='B', star=True).Zs
    expected = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]
    np.testing.assert_allclose(r["z"], expected, rtol=1e-6)
    np.testing.assert_allclose(r["p"], 2 * stats.norm.sf(np.abs(expected)), rtol=1e-6)


def test_constant_field_has_no_hotspots() -> None:
    cams, _ = _grid(2)
    w = hs.h3_weights(cams["h3_9"].to_numpy())
    r = hs.gi_star(np.full(len(cams), 4.0), w)
    assert (r["class"] == "ns").all() and (r["z"] == 0).all()


def test_road_weights_by_shared_endpoints_and_distance() -> None:
    cams = pd.DataFrame({"camera_id": ["a", "b", "c"], "road_id": ["r1", "r2", "r3"],
                         "road_name": ["甲", "乙", "丙"], "lon": [112.300, 112.302, 112.400],
                         "lat": [28.5, 28.5, 28.5]})
    roads = pd.DataFrame({"road_id": ["r1", "r2", "r3"], "geometry": [
        shapely.LineString([(112.299, 28.5), (112.301, 28.5)]),
        shapely.LineString([(112.301, 28.5), (112.303, 28.5)]),
        shapely.LineString([(112.399, 28.5), (112.401, 28.5)])]})
    seg, w = hs.road_weights(cams, roads)
    assert list(seg["road_id"]) == ["r1", "r2", "r3"]
    assert w.neighbors[0] == [1] and w.neighbors[2] == []
    seg, w = hs.road_weights(cams, None, distance_m=300)  # centroids 195 m apart
    assert w.neighbors[0] == [1] and w.neighbors[2] == []


def test_mann_kendall_matches_scipy_kendalltau() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(20, 6))
    s, p = hs.mann_kendall(x)
    for row, si, pi in zip(x, s, p, strict=True):
        tau = stats.kendalltau(np.arange(6), row, method="exact")
        assert pi == pytest.approx(tau.pvalue, abs=1e-9)
        assert np.sign(si) == np.sign(tau.statistic)
    assert hs.mann_kendall([[1, 2, 3, 4]])[1][0] == pytest.approx(1 / 12)


def test_emerging_classes_follow_their_definitions() -> None:
    up = np.linspace(3, 6, 10)
    z = np.array([
        [0.1] * 9 + [4.0],                              # new: hot only in the final week
        up,                                             # intensifying
        up[::-1],                                       # diminishing
        [4.0, 3.0, 4.5, 3.2, 4.1, 3.9, 4.4, 3.1, 4.2, 3.6],  # persistent (no trend)
        [4.0] * 9 + [0.0],                              # historical: 9/10 hot, final not
        [4.0, 0.1, 4.0, 0.2, 0.1, 4.0, 0.3, 0.1, 0.2, 4.0],  # sporadic: on and off
        [0.0, 0.1, 0.0, 0.2, 0.1, 0.0, 0.1, 0.2, 0.0, 0.1],  # never hot
    ])
    c = hs.classify_emerging(z, z > 2, trend_alpha=0.1)
    assert list(c["class"]) == ["new", "intensifying", "diminishing", "persistent",
                                "historical", "sporadic", "no_pattern"]
    assert c["n_weeks_hot"].tolist() == [1, 10, 10, 10, 9, 4, 0]
    assert set(c["class"]) <= set(hs.EMERGING_CLASSES)


def test_emerging_hotspots_over_weeks() -> None:
    rng = np.random.default_rng(2)
    cams, c0 = _grid(6)
    centre = min(h3.grid_ring(c0, 3))
    cluster = cams["h3_9"].isin({h3.str_to_int(c) for c in h3.grid_disk(centre, 1)}).to_numpy()
    frames = []
    for wk in range(4):
        y = rng.poisson(5, len(cams)) + np.where(cluster, 40 if wk == 3 else 0, 0)
        frames.append(_counts(cams, y, rng).assign(
            week_start=pd.Timestamp("2026-07-06", tz="Asia/Shanghai") + pd.Timedelta(weeks=wk)))
    bc = pd.concat(frames, ignore_index=True)
    bc = bc.drop(index=bc.index[(bc["camera_id"] == "c0")][:1])  # a camera silent one week
    em = hs.emerging_hotspots(bc, cams, violations=("no_helmet",))
    cls = em.set_index("h3")["class"]
    assert (cls[cams.loc[cluster, "h3_9"]] == "new").all()
    assert (cls.drop(cams.loc[cluster, "h3_9"]).isin(["no_pattern", "new", "sporadic"])).all()
    assert (em["n_weeks"] == 4).all()


def test_unknown_cameras_do_not_corrupt_cell_ids() -> None:
    # Counts from a camera missing in the registry must not push the 64-bit H3 ids through
    # float64 (6.2e17 > 2^53): every registered camera's count lands on its own cell.
    rng = np.random.default_rng(3)
    cams, _ = _grid(2)
    bc = _counts(cams, rng.poisson(5, len(cams)), rng)
    bc = pd.concat([bc, bc.iloc[:1].assign(camera_id="not-registered")], ignore_index=True)
    r = hs.hotspots_h3(bc, cams, bands=("daytime",), violations=("no_helmet",))
    got = r.set_index("h3")["value"]
    want = bc.iloc[:-1].assign(h3=cams["h3_9"].to_numpy()).set_index("h3")["n_no_helmet"]
    assert (got.reindex(want.index) == want).all()
    em = hs.emerging_hotspots(bc.assign(week_start=pd.Timestamp("2026-07-06", tz="Asia/Shanghai")),
                              cams, violations=("no_helmet",))
    assert set(em["h3"]) == set(cams["h3_9"])
