"""Data contracts: one declared contract per department feed (see ``registry``).

数据契约：每个部门数据源一份声明（清单 + pandera 表模式）。This package only declares.
"""

from data_contracts._model import ContractError, FeedContract, FieldSpec
from data_contracts.registry import FEED_IDS, UnknownFeedError, all_contracts, get

__all__ = [
    "FEED_IDS",
    "ContractError",
    "FeedContract",
    "FieldSpec",
    "UnknownFeedError",
    "all_contracts",
    "get",
]
