"""Settings: ``pingan.toml`` validated by pydantic, with ``PINGAN_*`` environment overrides.

Precedence (highest first): environment variables, the TOML file, the defaults below.
Environment names are ``PINGAN_`` + the key upper-cased, e.g. ``PINGAN_DATABASE_URL``,
``PINGAN_WORKDIR``, ``PINGAN_CITY``. Nested keys are not used: the settings are flat on
purpose so that every key can be overridden the same way.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class SettingsError(ValueError):
    """A settings file or override is invalid; the message names the key."""


class Settings(BaseModel):
    """Deployment settings of one pingan installation."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    workdir: Path = Field(Path("var"), description="Folder for generated feeds, the embedded store and reports.")
    database_url: str | None = Field(
        None,
        description="postgresql://user:pass@host/db to use PostGIS; unset = embedded GeoParquet store in workdir/store.",
    )
    city: str = Field("430900", description="GB/T 2260 adcode of the city (default Yiyang 益阳).")
    h3_resolution: int = Field(9, ge=5, le=12, description="Finest H3 resolution for features and scores.")
    pseudonym_secret: str = Field(
        "pingan-demo-secret-change-me",
        min_length=16,
        description="HMAC-SHA256 key for pseudonymising identifiers at ingest. Change it per deployment.",
    )
    tile_url: str | None = Field(None, description="Optional XYZ tile server URL for the map base layer.")
    language: str = Field("zh", description="Default UI language: zh or en.")
    synth_days: int = Field(120, ge=7, description="Days the demo's synthetic city covers.")
    synth_scale: float = Field(0.05, gt=0, le=2.0, description="Size of the demo's synthetic city (1.0 = full).")
    synth_seed: int = Field(7, description="Seed of the demo's synthetic city.")
    synth_streams_days: int | None = Field(
        21, ge=1, description="Days of the big camera/GPS streams the demo renders, the last days of the window (None = all days)."
    )
    host: str = Field("127.0.0.1", description="Address the dashboard listens on.")
    port: int = Field(8050, ge=1, le=65535, description="Port the dashboard listens on.")

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if not v.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
            raise ValueError("must start with postgresql:// (or be unset for the embedded store)")
        return v

    @field_validator("language")
    @classmethod
    def _check_lang(cls, v: str) -> str:
        if v not in ("zh", "en"):
            raise ValueError("must be 'zh' or 'en'")
        return v

    @field_validator("city")
    @classmethod
    def _check_city(cls, v: str) -> str:
        if not (len(v) == 6 and v.isdigit()):
            raise ValueError("must be a 6-digit GB/T 2260 adcode, e.g. 430900")
        return v

    @property
    def store_path(self) -> Path:
        """Folder of the embedded GeoParquet warehouse."""
        return self.workdir / "store"

    @property
    def store_url(self) -> str:
        """What :func:`geo.store.open_store` takes: the PostGIS URL or the warehouse folder."""
        return self.database_url or str(self.store_path)


ENV_PREFIX = "PINGAN_"


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    known = set(Settings.model_fields)
    out: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name[len(ENV_PREFIX):].lower()
        if key in known:
            out[key] = value
    return out


def load_settings(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read ``pingan.toml`` (or ``path``), apply ``PINGAN_*`` overrides and validate.

    Raises :class:`SettingsError` with a one-line message naming the offending key.
    """
    environ = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    if path is None:
        path = environ.get("PINGAN_CONFIG", "pingan.toml")
    p = Path(path)
    if p.exists():
        try:
            with p.open("rb") as f:
                data = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise SettingsError(f"{p}: not valid TOML: {e}") from None
        data = data.get("pingan", data)
    data.update(_env_overrides(environ))
    try:
        return Settings(**data)
    except ValidationError as e:
        err = e.errors()[0]
        key = ".".join(str(x) for x in err["loc"]) or "?"
        src = f"{ENV_PREFIX}{key.upper()}" if f"{ENV_PREFIX}{key.upper()}" in environ else f"{p}: {key}"
        raise SettingsError(f"bad setting {src}: {err['msg']}") from None
