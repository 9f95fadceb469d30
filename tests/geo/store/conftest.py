"""Shared fixture of the store tests: the same test on both backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from geo.store.postgis import drop_store


@pytest.fixture(params=["geoparquet", pytest.param("postgis", marks=pytest.mark.postgis)])
def target(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A store URL: a GeoParquet folder, or a fresh PostGIS schema dropped afterwards."""
    if request.param == "geoparquet":
        yield str(tmp_path / "warehouse")
        return
    url = request.getfixturevalue("postgis_schema_url")
    yield url
    drop_store(url)
