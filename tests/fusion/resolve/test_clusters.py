"""Clustering, over-merge guard and stable canonical ids (fusion.resolve.clusters)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fusion.resolve.clusters import guarded_clusters, stable_ids
from fusion.resolve.metrics import bcubed, pairwise


def _edges(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["l", "r", "weight"])


def test_components_and_singletons() -> None:
    recs = pd.DataFrame({"record_id": list("abcde")})
    cl = guarded_clusters(recs, _edges([("a", "b", 5.0), ("b", "c", 4.0)]))
    assert cl["a"] == cl["b"] == cl["c"]
    assert cl["d"] != cl["a"] and cl["e"] != cl["d"]


def test_guard_splits_two_full_ids_on_the_weakest_edge() -> None:
    # a-b strong (same ID 1), c has ID 2 and is chained through a weak edge b-c and d (no ID)
    recs = pd.DataFrame({"record_id": list("abcd"), "id_full": ["ID1", "ID1", "ID2", None]})
    cl = guarded_clusters(
        recs, _edges([("a", "b", 20.0), ("b", "d", 8.0), ("d", "c", 3.0)]), conflict_col="id_full"
    )
    assert cl["a"] == cl["b"] == cl["d"]
    assert cl["c"] != cl["a"]


def test_guard_leaves_consistent_clusters_alone() -> None:
    recs = pd.DataFrame({"record_id": list("abc"), "id_full": ["ID1", None, "ID1"]})
    cl = guarded_clusters(recs, _edges([("a", "b", 2.0), ("b", "c", 2.0)]), conflict_col="id_full")
    assert cl.nunique() == 1


def test_unique_mode_keeps_one_record_per_source() -> None:
    recs = pd.DataFrame({"record_id": ["a1", "a2", "b1"], "src": [0, 0, 1]})
    cl = guarded_clusters(
        recs, _edges([("a1", "b1", 9.0), ("a2", "b1", 4.0)]), conflict_col="src", mode="unique"
    )
    assert cl["a1"] == cl["b1"] != cl["a2"]


def test_stable_ids_never_renumber() -> None:
    first = stable_ids(pd.Series(["x", "x", "y"], index=["r1", "r2", "r3"]))
    assert first.tolist() == ["P000001", "P000001", "P000002"]
    # next run: cluster labels change, a new record joins r3's entity, a new entity appears,
    # and r1/r2 are split: the larger part keeps the id
    second = stable_ids(
        pd.Series(["k", "m", "n", "n", "z"], index=["r1", "r2", "r3", "r4", "r5"]), previous=first
    )
    assert second["r3"] == second["r4"] == "P000002"
    assert {second["r1"], second["r2"]} >= {"P000001"}
    assert second["r5"] not in {"P000001", "P000002"}
    assert second.str.match(r"P\d{6}$").all()
    assert len(set(second[["r1", "r2"]])) == 2
    assert int(second["r5"][1:]) > 2


def test_metrics_hand_computed() -> None:
    truth = np.array([1, 1, 1, 2, 2])
    pred = np.array([1, 1, 2, 2, 2])
    p = pairwise(pred, truth)
    # predicted pairs: (0,1) (2,3) (2,4) (3,4) = 4; true pairs: 3 + 1 = 4; correct: (0,1) (3,4)
    assert p["precision"] == 0.5 and p["recall"] == 0.5
    b = bcubed(pred, truth)
    assert round(b["precision"], 6) == round((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5, 6)
