"""Domain exceptions raised by ``geo``. 地理模块的错误类型。"""

from __future__ import annotations


class GeoError(ValueError):
    """Base class for errors raised by the geo package."""


class UnknownCRSError(GeoError):
    """A coordinate reference system name that ``geo.coords`` does not know."""


class AdminAreaNotFoundError(GeoError):
    """An adcode that is not in the offline administrative-boundary package."""


class AreaFileError(GeoError):
    """A deployment's own area file is unreadable, lacks columns or has no CRS."""
