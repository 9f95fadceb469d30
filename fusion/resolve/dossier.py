"""One person, one file / one house, one file (一人一档 / 一屋一档 / 一企一档) from the analytic zone.

档案视图：只读分析区（假名化）——黄金记录的公开字段与令牌、各来源记录清单（来源、文件、行号）、
关系图上的邻居（居住地址、房屋内的人、名下车辆、涉及事件、所在单位）。
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fusion.resolve.graph import neighbourhood, to_networkx

KINDS = {
    "person": "person_entities",
    "house": "house_entities",
    "unit": "unit_entities",
    "vehicle": "vehicle_entities",
}


class DossierNotFound(LookupError):
    """No entity with that id (or nothing fused yet)."""


@dataclass
class Dossier:
    kind: str
    entity_id: str
    profile: dict[str, Any]
    records: pd.DataFrame  # feed, source_file, source_row
    related: pd.DataFrame  # relation, node_id, type, label
    sections: dict[str, pd.DataFrame] = field(default_factory=dict)


def build_dossier(analytic: Any, kind: str, entity_id: str, depth: int = 2) -> Dossier:
    """Assemble the dossier of one entity (``kind``: person | house | unit | vehicle | address)."""
    if kind == "address":
        profile: dict[str, Any] = {"entity_id": entity_id}
    else:
        table = KINDS.get(kind)
        if table is None:
            raise ValueError(f"kind must be one of {sorted([*KINDS, 'address'])}")
        if not analytic.exists(table):
            raise DossierNotFound(f"尚未融合 nothing fused yet ({table}): run `pingan fuse`")
        ent = analytic.read(table, filters={"entity_id": entity_id})
        if ent.empty:
            raise DossierNotFound(f"未找到 no {kind} {entity_id}")
        profile = {k: v for k, v in ent.iloc[0].to_dict().items() if not _blank(v)}
    recs = pd.DataFrame(columns=["feed", "source_file", "source_row"])
    if analytic.exists("entity_record_map"):
        recs = analytic.read("entity_record_map", filters={"entity_id": entity_id})[
            ["feed", "source_file", "source_row"]
        ].sort_values(["feed", "source_file", "source_row"])
    related = pd.DataFrame(columns=["relation", "direction", "node_id", "type", "label", "hop"])
    if analytic.exists("entity_nodes") and analytic.exists("entity_edges"):
        nodes = analytic.read("entity_nodes")
        edges = analytic.read("entity_edges")
        g = to_networkx(nodes, edges)
        nb = neighbourhood(g, entity_id, depth=depth)
        if len(nb):
            other = nb["dst"].where(nb["src"] == entity_id, nb["src"])
            direction = (nb["src"] == entity_id).map({True: "→", False: "←"})
            lab = nodes.set_index("node_id")
            related = pd.DataFrame(
                {
                    "relation": nb["type"].to_numpy(),
                    "direction": direction.to_numpy(),
                    "node_id": other.to_numpy(),
                    "type": lab["type"].reindex(other).to_numpy(),
                    "label": lab["label"].reindex(other).to_numpy(),
                    "hop": nb["hop"].to_numpy(),
                }
            )
            related = related[related["node_id"] != entity_id].drop_duplicates("node_id")
    if kind == "address" and related.empty and recs.empty:
        raise DossierNotFound(f"未找到 no address {entity_id}")
    return Dossier(
        kind, entity_id, profile, recs.reset_index(drop=True), related.reset_index(drop=True)
    )


def _blank(v: Any) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def dossier_json(d: Dossier) -> str:
    """The dossier as JSON text (for the app and exports)."""
    return json.dumps(
        {
            "kind": d.kind,
            "entity_id": d.entity_id,
            "profile": d.profile,
            "records": d.records.to_dict("records"),
            "related": d.related.to_dict("records"),
        },
        ensure_ascii=False,
        default=str,
        indent=1,
    )
