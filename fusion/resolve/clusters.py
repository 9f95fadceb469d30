"""Clusters from scored pairs, the over-merge guard, and canonical ids that stay stable across runs.

聚类与稳定主键：按阈值连通成簇；过度合并保护（同一簇内出现两个不同的有效完整身份证号即拆分）；
新批次绝不重编号既有实体——新簇按最大重叠映射到上一轮的规范 ID（如 ``P000001``），新实体取下一个号。
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def components(record_ids: pd.Series, edges: pd.DataFrame) -> pd.Series:
    """Connected components of ``edges`` (columns ``l``, ``r``: record ids) over ``record_ids``.

    Returns the component label (int) per record id (index = record id); singletons included.
    """
    ids = pd.Index(pd.unique(record_ids))
    n = len(ids)
    li = ids.get_indexer(edges["l"])
    ri = ids.get_indexer(edges["r"])
    ok = (li >= 0) & (ri >= 0)
    g = coo_matrix((np.ones(ok.sum(), dtype=np.int8), (li[ok], ri[ok])), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    return pd.Series(labels, index=ids, name="component")


def guarded_clusters(
    records: pd.DataFrame,
    edges: pd.DataFrame,
    conflict_col: str | None = None,
    mode: str = "distinct",
    id_col: str = "record_id",
) -> pd.Series:
    """Cluster records by ``edges`` (``l``, ``r``, ``weight``) with an over-merge guard.

    ``conflict_col``: a record attribute that must not disagree inside one entity.
    ``mode="distinct"``: two different non-null values (e.g. two valid full ID numbers) conflict;
    ``mode="unique"``: two records with the same non-null value conflict (e.g. the source table in a
    one-to-one link). Components without a conflict are kept as they are; a conflicting component
    is rebuilt greedily from its strongest edges, refusing any edge that would join conflicting
    parts (union-find; only conflicting components are walked in Python).
    Returns a cluster label (str) per record id.
    """
    comp = components(records[id_col], edges)
    label = comp.astype(str)
    if conflict_col is None or len(edges) == 0:
        return label
    key = records.set_index(id_col)[conflict_col].reindex(comp.index)
    kk = pd.DataFrame({"c": comp.to_numpy(), "k": key.to_numpy()}).dropna()
    if mode == "distinct":
        bad = kk.groupby("c")["k"].nunique()
    else:
        bad = kk.groupby("c")["k"].agg(lambda s: len(s) - s.nunique() + 1)
    bad_comps = set(bad.index[bad > 1])
    if not bad_comps:
        return label
    e = edges.assign(c=comp.reindex(edges["l"]).to_numpy())
    e = e[e["c"].isin(bad_comps)].sort_values("weight", ascending=False, kind="stable")
    parent: dict = {}
    keys: dict = {}
    members = comp.index[comp.isin(bad_comps).to_numpy()]
    for m in members:
        parent[m] = m
        v = key.get(m)
        keys[m] = {v} if pd.notna(v) else set()
        if mode == "unique":
            keys[m] = [v] if pd.notna(v) else []

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(e["l"].to_numpy(), e["r"].to_numpy(), strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ka, kb = keys[ra], keys[rb]
        if mode == "distinct":
            if ka and kb and ka != kb:
                continue
            keys[ra] = ka | kb
        else:
            if set(ka) & set(kb):
                continue
            keys[ra] = list(ka) + list(kb)
        parent[rb] = ra
    for m in members:
        label[m] = f"g{find(m)}"
    return label


def stable_ids(
    clusters: pd.Series, previous: pd.Series | None = None, prefix: str = "P", width: int = 6
) -> pd.Series:
    """Canonical entity ids (``P000001``...) that never renumber existing entities.

    ``clusters``: cluster label per record id (this run). ``previous``: canonical id per record id
    from the last run (records seen before). Each new cluster takes the previous canonical id it
    shares most records with (ties → the smaller id); a previous id is given to one cluster only
    (the one with the largest overlap; a split keeps the id on its larger part); clusters with no
    previous record, or whose id went to another part, get fresh numbers after the largest used.
    Returns the canonical id per record id (same index as ``clusters``).
    """
    cl = clusters.rename("cluster")
    out = pd.Series(None, index=cl.index, dtype=object, name="canonical_id")
    start = 0
    if previous is not None and len(previous):
        prev = previous.rename("prev")
        nums = pd.to_numeric(prev.str[len(prefix) :], errors="coerce")
        start = int(nums.max()) if nums.notna().any() else 0
        ov = pd.concat([cl, prev.reindex(cl.index)], axis=1).dropna()
        if len(ov):
            cnt = ov.groupby(["cluster", "prev"]).size().rename("n").reset_index()
            cnt = cnt.sort_values(["n", "prev"], ascending=[False, True], kind="stable")
            cnt = cnt.drop_duplicates("cluster").drop_duplicates("prev")  # one id ↔ one cluster
            m = dict(zip(cnt["cluster"], cnt["prev"], strict=True))
            out = cl.map(m).astype(object).rename("canonical_id")
    fresh = pd.unique(cl[out.isna()])
    if len(fresh):
        ids = [f"{prefix}{i:0{width}d}" for i in range(start + 1, start + 1 + len(fresh))]
        out[out.isna()] = cl[out.isna()].map(dict(zip(fresh, ids, strict=True)))
    return out
