"""Registry of every feed contract (one module ``data_contracts/<feed>.py`` per feed).

数据契约注册表：``all_contracts()`` 列出全部数据源，``get(feed_id)`` 取一个。
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import Any

from data_contracts._model import ContractError, FeedContract

#: Feed ids in catalogue order (shared/FEEDS.md). Gazetteers first: ingest loads in this order.
FEED_IDS: tuple[str, ...] = (
    "std_address",
    "grids",
    "road_network",
    "hukou",
    "floating_pop",
    "rental_housing",
    "hotel_lodging",
    "calls_110",
    "criminal_cases",
    "admin_cases",
    "checkpoint_passes",
    "std_units",
    "vehicle_registry",
    "traffic_accidents",
    "traffic_violations",
    "camera_registry",
    "ebike_detections",
    "ebike_flow",
    "detection_audit",
    "detection_audit_clips",
    "delivery_riders",
    "hazmat_vehicle_gps",
    "hazmat_drivers",
    "fire_incidents",
    "fire_inspections",
    "smoke_sensors",
    "elevator_ebike",
    "disputes",
    "grid_events",
    "smi_registry",
    "smi_followups",
    "hospitals",
    "low_income",
    "elderly_alone",
    "community_corrections",
    "released_prisoners",
    "schools",
    "business_registry",
    "three_small_venues",
    "entertainment",
    "hazmat_firms",
    "hotline_12345",
    "wage_arrears",
    "fraud_reports",
    "power_anomaly",
    "waterlogging",
    "weather",
    "market_days",
)

#: Feeds we ship that shared/FEEDS.md does not list yet.  The catalogue is read-only for
#: developers; these are to be added to FEEDS.md by its owner.  detection_audit_clips carries
#: the reviewed-clip miss counts that camera recall calibration needs (issue 7).
EXTRA_FEEDS: tuple[str, ...] = ("detection_audit_clips",)


class UnknownFeedError(KeyError):
    """No contract is registered under that feed id."""

    def __str__(self) -> str:
        return f"未知数据源 unknown feed {self.args[0]!r}; known: {', '.join(FEED_IDS)}"


@cache
def get(feed_id: str) -> FeedContract:
    """Return the contract of ``feed_id`` (raises :class:`UnknownFeedError`)."""
    if feed_id not in FEED_IDS:
        raise UnknownFeedError(feed_id)
    module = importlib.import_module(f"data_contracts.{feed_id}")
    contract: FeedContract = module.CONTRACT
    if contract.feed_id != feed_id:
        raise ContractError(f"data_contracts/{feed_id}.py declares feed_id {contract.feed_id!r}")
    return contract


def all_contracts() -> list[FeedContract]:
    """Every registered contract, gazetteers first."""
    return [get(fid) for fid in FEED_IDS]


def contract_from_dict(data: dict[str, Any]) -> FeedContract:
    """Validate a contract given as plain data (e.g. a data steward's YAML); raises
    :class:`ContractError` / pydantic ``ValidationError`` naming the problem."""
    return FeedContract.model_validate(data)


def contract_from_yaml(path: str | Path) -> FeedContract:
    """Load and validate a contract from a YAML file (same keys as :class:`FeedContract`)."""
    import yaml

    with Path(path).open(encoding="utf-8") as fh:
        return contract_from_dict(yaml.safe_load(fh))
