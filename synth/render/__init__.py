"""Renderers: one function per feed of :mod:`synth.specs`, grouped by department.

``RENDERERS[feed_id](ctx) -> canonical frame`` (see :mod:`synth.render._base`).  The big
streams are rendered in chunks by :mod:`synth.render.streams` instead.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from synth.render import care, context, fire, governance, public_security, traffic, units, video
from synth.render._base import RenderContext

Renderer = Callable[[RenderContext], pd.DataFrame]

RENDERERS: dict[str, Renderer] = {
    "std_address": public_security.std_address,
    "hukou": public_security.hukou,
    "floating_pop": public_security.floating_pop,
    "rental_housing": public_security.rental_housing,
    "hotel_lodging": public_security.hotel_lodging,
    "calls_110": public_security.calls_110,
    "criminal_cases": public_security.criminal_cases,
    "admin_cases": public_security.admin_cases,
    "std_units": public_security.std_units,
    "vehicle_registry": traffic.vehicle_registry,
    "traffic_accidents": traffic.traffic_accidents,
    "traffic_violations": traffic.traffic_violations,
    "hazmat_drivers": traffic.hazmat_drivers,
    "camera_registry": video.camera_registry,
    "detection_audit": video.detection_audit,
    "detection_audit_clips": video.detection_audit_clips,
    "delivery_riders": video.delivery_riders,
    "road_network": context.road_network,
    "grids": context.grids,
    "fire_incidents": fire.fire_incidents,
    "fire_inspections": fire.fire_inspections,
    "smoke_sensors": fire.smoke_sensors,
    "elevator_ebike": fire.elevator_ebike,
    "disputes": governance.disputes,
    "grid_events": governance.grid_events,
    "hotline_12345": governance.hotline_12345,
    "fraud_reports": governance.fraud_reports,
    "wage_arrears": governance.wage_arrears,
    "smi_registry": care.smi_registry,
    "smi_followups": care.smi_followups,
    "low_income": care.low_income,
    "elderly_alone": care.elderly_alone,
    "community_corrections": care.community_corrections,
    "released_prisoners": care.released_prisoners,
    "hospitals": units.hospitals,
    "schools": units.schools,
    "business_registry": units.business_registry,
    "three_small_venues": units.three_small_venues,
    "entertainment": units.entertainment,
    "hazmat_firms": units.hazmat_firms,
    "power_anomaly": context.power_anomaly,
    "waterlogging": context.waterlogging,
    "weather": context.weather,
    "market_days": context.market_days,
}

#: Big streams: rendered chunk by chunk from the World iterators (synth.render.streams).
STREAM_FEEDS: tuple[str, ...] = ("ebike_detections", "checkpoint_passes", "hazmat_vehicle_gps",
                                 "ebike_flow")
