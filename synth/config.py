"""Mess rates of the synthetic feeds (configuration is data: pydantic, loadable from YAML).

Every rate is a probability per *eligible* record of a feed (a record is eligible for a kind
when it has a non-empty field the kind applies to; e.g. ``id_legacy15`` only for persons born
before 2000 in old registries, ``late`` only for feeds split into period files).  Each injected
mess is logged in ``_truth/injected_errors.parquet`` with ``expect``:

- ``accept`` (noise): ingest must normalise and keep the record;
- ``quarantine`` (malformed): ingest must set the record aside.

At most one malformed kind per record; a field receives at most one kind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import yaml
from pydantic import BaseModel, ConfigDict, Field

#: kind → expect.  Noise kinds first, malformed kinds after.
MESS_KINDS: Final[dict[str, str]] = {
    "date_style": "accept",  # a record's date written in another style than the feed's own
    "name_homophone": "accept",  # 张伟→张玮 (same pinyin, other character)
    "fullwidth": "accept",  # ASCII digits/letters written full-width (１２号)
    "stray_space": "accept",  # leading/trailing/inner spaces
    "id_masked": "accept",  # 430902********1234 (first 6, last 4 kept)
    "id_legacy15": "accept",  # legacy 15-digit ID (birth year 2 digits, no check digit)
    "phone_format": "accept",  # +86 / 86 / spaces / dashes
    "address_variant": "accept",  # one of a dozen writing styles instead of the standard text
    "duplicate_exact": "accept",  # byte-identical re-send of an earlier record (dedupe)
    "duplicate_near": "accept",  # re-send with one field rewritten (dedupe)
    "late": "accept",  # record of period P delivered in the file of period P+1
    "broken_quoting": "quarantine",  # CSV: stray quote + unescaped delimiter → extra field
    "bad_json": "quarantine",  # JSONL: truncated line
    "impossible_date": "quarantine",  # 2026-02-30, 25:61
    "coords_outside": "quarantine",  # coordinates far outside the city
    "bad_id_checksum": "quarantine",  # GB 11643 check digit wrong
    "missing_required": "quarantine",  # required field empty
    "bad_number": "quarantine",  # unparseable number (3O, 1.2.3, 约5)
}
MALFORMED_KINDS: Final[frozenset[str]] = frozenset(
    k for k, v in MESS_KINDS.items() if v == "quarantine"
)


class MessConfig(BaseModel):
    """Rates of every mess kind (probability per eligible record), with per-feed overrides."""

    model_config = ConfigDict(extra="forbid")

    date_style: float = Field(0.03, ge=0, le=1)
    name_homophone: float = Field(0.02, ge=0, le=1)
    fullwidth: float = Field(0.02, ge=0, le=1)
    stray_space: float = Field(0.02, ge=0, le=1)
    id_masked: float = Field(0.02, ge=0, le=1)
    id_legacy15: float = Field(0.10, ge=0, le=1)
    phone_format: float = Field(0.15, ge=0, le=1)
    address_variant: float = Field(0.50, ge=0, le=1)
    duplicate_exact: float = Field(0.01, ge=0, le=1)
    duplicate_near: float = Field(0.01, ge=0, le=1)
    late: float = Field(0.02, ge=0, le=1)
    broken_quoting: float = Field(0.003, ge=0, le=1)
    bad_json: float = Field(0.003, ge=0, le=1)
    impossible_date: float = Field(0.003, ge=0, le=1)
    coords_outside: float = Field(0.003, ge=0, le=1)
    bad_id_checksum: float = Field(0.003, ge=0, le=1)
    missing_required: float = Field(0.003, ge=0, le=1)
    bad_number: float = Field(0.003, ge=0, le=1)
    #: feed id → {kind: rate}; e.g. hotel guests' IDs are often masked.
    overrides: dict[str, dict[str, float]] = Field(
        default_factory=lambda: {
            "hotel_lodging": {"id_masked": 0.40},
            "fraud_reports": {"id_masked": 0.60},
            "hotline_12345": {"phone_format": 0.0},  # callers arrive masked 138****5678
        }
    )

    def rate(self, feed_id: str, kind: str) -> float:
        """The rate of ``kind`` in ``feed_id`` (override if any, else the global rate)."""
        return float(self.overrides.get(feed_id, {}).get(kind, getattr(self, kind)))

    @classmethod
    def clean(cls) -> MessConfig:
        """No mess at all (every rate 0)."""
        return cls(**{k: 0.0 for k in MESS_KINDS}, overrides={})

    @classmethod
    def from_yaml(cls, path: str | Path) -> MessConfig:
        """Load from a YAML mapping of kind → rate (and optional ``overrides``)."""
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls.model_validate(data)


#: Records each department delivers at scale 1.0 (see :class:`VolumeConfig`).  Sum of the
#: capped feeds plus the uncapped ones ≈ 520,000 records at scale 1.0 (seed 004: ~520 k
#: records pooled from 46 departments, 146 data categories).  Feeds not listed deliver
#: everything the World holds (events, small unit registries, reference layers).
DEFAULT_VOLUMES: Final[dict[str, int]] = {
    # 户籍 extract: ~70 % of the World's registered households (whole households); the
    # rest sit in other police stations' systems that the pooled export did not reach.
    "hukou": 120_000,
    # The World lets every hotel take guests every night (≈ 3 M stays at scale 1.0); the
    # pooled extract holds ≈ 375 registrations a day over 120 days.
    "hotel_lodging": 45_000,
    # Vehicle registry: the extract holds motor vehicles and e-bikes of the main districts.
    "vehicle_registry": 50_000,
    # IoT alarms of the pilot buildings / gauges only.
    "elevator_ebike": 10_000,
    "waterlogging": 10_000,
    # Manual review of AI detections: 0.2 % of each rendered day's flagged detections is
    # ≈ 3,000 a day at scale 1.0 (≈ 356 k over 120 days); the review team's export holds
    # ≈ 100 a day.  A snapshot, so the cap does not follow the window.
    "detection_audit": 12_000,
}

#: Feeds sampled by whole groups (a registry extract holds whole households): feed → field.
DEFAULT_SAMPLE_BY: Final[dict[str, str]] = {"hukou": "hukou_no"}


class VolumeConfig(BaseModel):
    """How many records each department delivers: a cap per feed at scale 1.0, linear in
    scale (``cap = round(records_at_scale_1[feed] * scale)``, × ``days / reference_days`` for
    feeds split by period).

    The World is the whole truth (every person, house, stay); a department sends an extract
    of it, as real pooled exports are (seed 004: ~520 k records across 46 departments for a
    city of 4.4 M residents).  Where the World holds more records than the cap, the feed is a
    deterministic uniform sample (``feed_rng(seed, feed, "volume")``) in the original record
    order; ``sample_by`` samples whole groups (hukou: whole households by 户号) until the cap
    is reached.  Feeds without a cap deliver everything.
    """

    model_config = ConfigDict(extra="forbid")

    records_at_scale_1: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_VOLUMES))
    sample_by: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_SAMPLE_BY))
    #: Caps of feeds split by period (stays, alarms, readings) are for this many days and
    #: scale with the World's window; snapshot registries do not.
    reference_days: int = Field(120, gt=0)

    def cap(self, feed_id: str, scale: float, days: int | None = None) -> int | None:
        """Records ``feed_id`` may hold at ``scale`` (None = no cap).  ``days``: the window
        of a period-split feed (None for snapshot registries)."""
        n1 = self.records_at_scale_1.get(feed_id)
        if n1 is None:
            return None
        per = 1.0 if days is None else days / self.reference_days
        return max(1, round(n1 * scale * per))

    @classmethod
    def unlimited(cls) -> VolumeConfig:
        """Every feed delivers everything the World holds."""
        return cls(records_at_scale_1={}, sample_by={})

    @classmethod
    def from_yaml(cls, path: str | Path) -> VolumeConfig:
        """Load from a YAML mapping (``records_at_scale_1``: feed → records, ``sample_by``)."""
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls.model_validate(data)
