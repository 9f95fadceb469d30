"""Views of the World's events for the event-like feeds (the feed ids are event channels)."""

from __future__ import annotations

import pandas as pd

from synth.render._base import RenderContext, house_address, in_window, std_address_text

#: When no event lists a feed among its channels, fall back to these categories.
FALLBACK_CATEGORIES: dict[str, tuple[str, ...]] = {
    "calls_110": ("theft", "burglary", "vehicle_theft", "assault", "dispute", "public_order",
                  "fire", "traffic_accident", "fraud"),
    "criminal_cases": ("burglary", "vehicle_theft", "fraud", "assault"),
    "admin_cases": ("theft", "public_order", "assault"),
    "fire_incidents": ("fire",),
    "traffic_accidents": ("traffic_accident",),
    "traffic_violations": ("traffic_violation",),
    "disputes": ("dispute",),
    "grid_events": ("dispute", "public_order", "other"),
    "hotline_12345": ("dispute", "public_order", "other"),
    "fraud_reports": ("fraud",),
}


#: Feeds whose World table adds department columns to the events it records.
WORLD_TABLES: dict[str, str] = {
    "disputes": "disputes", "grid_events": "grid_events", "hotline_12345": "hotline_calls",
    "fraud_reports": "fraud_reports", "traffic_violations": "traffic_violations",
    "traffic_accidents": "traffic_accidents",
}


def event_frame(ctx: RenderContext, feed_id: str) -> pd.DataFrame:
    """Events recorded by ``feed_id`` (reported inside the window), sorted by report time.

    Source: the feed's own World table when it has one (``WORLD_TABLES``: events plus the
    department's columns), else ``World.events`` whose ``channels`` list the feed.
    Adds ``_address`` (standard text incl. room), ``_room`` and ``_first_person``.
    """
    key = f"events/{feed_id}"
    if key in ctx._cache:
        return ctx._cache[key]
    table = WORLD_TABLES.get(feed_id)
    own = getattr(ctx.world, table, None) if table else None
    if isinstance(own, pd.DataFrame) and "event_id" in own:
        ev = own
        has = pd.Series(True, index=ev.index)
    else:
        ev = ctx.world.events
        has = ev["channels"].map(lambda ch: feed_id in (list(ch) if ch is not None else []))
        if not has.any():
            has = ev["category"].isin(FALLBACK_CATEGORIES.get(feed_id, ()))
    e = ev[has.to_numpy(bool) & in_window(ctx, ev["reported_at"]).to_numpy(bool)]
    e = e.sort_values(["reported_at", "event_id"], kind="stable").reset_index(drop=True)
    aid_h, room = house_address(ctx, e["house_id"])
    aid = e["address_id"].where(e["address_id"].notna(), aid_h)
    e["address_id"] = aid
    e["_room"] = room.where(e["house_id"].notna(), "").to_numpy(object)
    e["_address"] = std_address_text(ctx, aid, e["_room"]).to_numpy(object)
    e["_first_person"] = e["person_ids"].map(
        lambda ps: ps[0] if ps is not None and len(ps) else None)
    e["_second_person"] = e["person_ids"].map(
        lambda ps: ps[1] if ps is not None and len(ps) > 1 else None)
    for c in ("victim_person_id", "suspect_person_id"):
        e[c] = e[c].where(e[c].notna(), None)
    e["lon"] = e["lon"].astype(float)
    e["lat"] = e["lat"].astype(float)
    ctx._cache[key] = e
    return e


