"""Site selection: exact MCLP equals brute force; greedy within its (1 − 1/e) guarantee."""

from __future__ import annotations

import itertools

import h3
import numpy as np
import pandas as pd
import pytest

from scoring.camera import siting


def _problem(seed: int, n_cand: int = 12):
    rng = np.random.default_rng(seed)
    c0 = h3.latlng_to_cell(28.55, 112.35, 9)
    cells = [h3.str_to_int(c) for c in sorted(h3.grid_disk(c0, 3))]
    cand = pd.DataFrame({"camera_id": [f"c{i}" for i in range(n_cand)],
                         "h3": rng.choice(cells, n_cand),
                         "n_passes": rng.integers(100, 1000, n_cand)})
    demand = pd.DataFrame({"h3": cells, "weight": rng.gamma(0.7, 10, len(cells))})
    return cand, demand


def _brute(a, w, k: int) -> float:
    return max(siting.coverage_value(a, w, s) for s in itertools.combinations(range(a.shape[1]), k))


def test_coverage_matrix_k_ring() -> None:
    c0 = h3.latlng_to_cell(28.55, 112.35, 9)
    ring = [h3.str_to_int(c) for c in sorted(h3.grid_disk(c0, 1))]
    a = siting.coverage_matrix([h3.str_to_int(c0)], ring, k_ring=1)
    assert a.shape == (7, 1) and a.sum() == 7
    a0 = siting.coverage_matrix([h3.str_to_int(c0)], ring, k_ring=0)
    assert a0.sum() == 1


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [2, 4])
def test_exact_equals_brute_force_and_greedy_within_guarantee(seed: int, k: int) -> None:
    cand, demand = _problem(seed)
    a = siting.coverage_matrix(cand["h3"], demand["h3"], k_ring=1)
    w = demand["weight"].to_numpy()
    opt = _brute(a, w, k)
    ex = siting.exact_max_coverage(a, w, k, solver="scipy")
    assert len(ex) <= k and siting.coverage_value(a, w, ex) == pytest.approx(opt)
    sel, gains, bound = siting.greedy_max_coverage(a, w, k)
    g = siting.coverage_value(a, w, sel)
    assert g == pytest.approx(gains.sum())
    assert g >= siting.GREEDY_GUARANTEE * opt - 1e-9
    assert bound >= opt - 1e-9          # the certified bound really bounds OPT


def test_exact_with_spopt_equals_brute_force() -> None:
    cand, demand = _problem(4, n_cand=10)
    a = siting.coverage_matrix(cand["h3"], demand["h3"], k_ring=1)
    w = demand["weight"].to_numpy()
    ex = siting.exact_max_coverage(a, w, 3, solver="spopt")
    assert siting.coverage_value(a, w, ex) == pytest.approx(_brute(a, w, 3))


def test_greedy_beats_top_flow_when_busy_cameras_overlap() -> None:
    # Three busy cameras watch the same cell; two quiet ones watch other risky cells.
    c0 = h3.latlng_to_cell(28.55, 112.35, 9)
    far = sorted(h3.grid_ring(c0, 4))
    cells = [h3.str_to_int(c0), h3.str_to_int(far[0]), h3.str_to_int(far[6])]
    cand = pd.DataFrame({"camera_id": ["b1", "b2", "b3", "q1", "q2"],
                         "h3": [cells[0]] * 3 + cells[1:], "n_passes": [900, 800, 700, 50, 40]})
    demand = pd.DataFrame({"h3": cells, "weight": [10.0, 8.0, 6.0]})
    res = siting.site_selection(cand, demand, 3, k_ring=0, solver="scipy")
    obj = res.groupby("method")["objective"].first()
    assert obj["greedy"] == obj["exact"] == 24.0
    assert obj["top_flow"] == 10.0
    assert set(res.loc[res["method"] == "greedy", "camera_id"]) == {"b1", "q1", "q2"}
