"""Shared fixtures. PostGIS and Chromium are real; with CI=true a missing one fails the test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(what: str) -> None:
    """Skip locally, fail in CI: a test that needs PostGIS or Chromium must run in CI."""
    if IN_CI:
        pytest.fail(f"{what} is required in CI but not available")
    pytest.skip(f"{what} not available")


@pytest.fixture(scope="session")
def postgis_url() -> str:
    """URL of a real PostGIS database (PINGAN_TEST_DATABASE_URL, set by scripts/run_tests.sh)."""
    url = os.environ.get("PINGAN_TEST_DATABASE_URL", "")
    if not url:
        _unavailable("PostGIS (PINGAN_TEST_DATABASE_URL)")
    return url


@pytest.fixture()
def postgis_schema_url(postgis_url: str) -> Iterator[str]:
    """A PostGIS URL whose tables live in a fresh schema, dropped after the test."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:10]}"
    eng = sa.create_engine(postgis_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with eng.begin() as c:
        c.exec_driver_sql(f'create schema "{schema}"')
    sep = "&" if "?" in postgis_url else "?"
    yield f"{postgis_url}{sep}options=-csearch_path%3D{schema},public"
    with eng.begin() as c:
        # the store's zones live in <schema>_analytic / <schema>_raw (geo/store/postgis.py)
        c.exec_driver_sql(f'drop schema if exists "{schema}_analytic", "{schema}_raw", "{schema}" cascade')
    eng.dispose()


@pytest.fixture(scope="session")
def chromium_paths() -> tuple[str, str]:
    """(chromium, chromedriver) binaries from Debian's packages."""
    import shutil

    chrome = os.environ.get("PINGAN_CHROMIUM") or shutil.which("chromium") or ""
    driver = os.environ.get("PINGAN_CHROMEDRIVER") or shutil.which("chromedriver") or ""
    if not (chrome and driver):
        _unavailable("Chromium + chromedriver")
    return chrome, driver
