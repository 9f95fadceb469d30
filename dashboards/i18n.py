"""User-facing text of the app and the report: Simplified Chinese first, English second."""

from __future__ import annotations

from typing import Final

LANGS: Final = ("zh", "en")

TEXT: Final[dict[str, tuple[str, str]]] = {
    "app_title": ("平安 · 社会治安风险预测预警平台", "pingan · public-safety risk platform"),
    "nav_cockpit": ("驾驶舱", "Cockpit"),
    "nav_detail": ("网格/区域详情", "Cell / area detail"),
    "nav_workbench": ("模型工作台", "Model workbench"),
    "nav_camera": ("视频违法分析", "Camera analytics"),
    "nav_quality": ("数据质量", "Data quality"),
    "lang_switch": ("English", "中文"),
    "theme": ("风险主题", "Risk theme"),
    "period": ("统计周期", "Period"),
    "composite": ("综合风险指数", "Composite index"),
    "no_data": ("本周期暂无数据", "No data for this period"),
    "area_city": ("全市", "City"),
    "ranking_county": ("区县排名", "County ranking"),
    "ranking_township": ("乡镇（街道）排名", "Township ranking"),
    "ranking_grid": ("网格排名", "Grid ranking"),
    "warning_share": ("各主题预警占比", "Warning share by theme"),
    "change_prev": ("较上期变化", "Change vs previous period"),
    "index": ("指数", "Index"),
    "name": ("名称", "Name"),
    "red_share": ("红色占比", "Red share"),
    "cells": ("格数", "Cells"),
    "back_city": ("返回全市", "Back to city"),
    "hotspots": ("电动自行车违法热点", "E-bike violation hotspots"),
    "boundaries": ("行政区划", "Admin boundaries"),
    "roads": ("道路", "Roads"),
    "code": ("代码", "Code"),
    "n_violations": ("违法数", "Violations"),
    "n_delivery": ("外卖骑手通行", "Delivery passes"),
    "share_meituan": ("美团占比", "Meituan share"),
    "share_eleme": ("饿了么占比", "Ele.me share"),
    "rate_any_meituan": ("美团违法率", "Meituan violation rate"),
    "rate_any_eleme": ("饿了么违法率", "Ele.me violation rate"),
    "problem_lists": ("问题清单", "Problem lists"),
    "hotspots_road": ("路段违法热点", "Road-segment hotspots"),
    "township": ("乡镇（街道）", "Township"),
    "daily_flow": ("日均流量", "Daily e-bike flow"),
    "violation_rate": ("违法率", "Violation rate"),
    "helmet_rate": ("未戴头盔率", "No-helmet rate"),
    "red_light_rate": ("闯红灯率", "Red-light rate"),
    "delivery_share": ("外卖骑手占比", "Delivery share"),
    "delivery_viol_share": ("外卖骑手违法占比", "Delivery share of violations"),
    "online_rate": ("在线率", "Online rate"),
    "maintenance": ("待维护点位", "Cameras to repair"),
    "violation": ("违法类型", "Violation"),
    "precision": ("精确率", "Precision"),
    "recall": ("召回率", "Recall"),
    "raw_rate": ("原始发生率", "Raw rate"),
    "calibrated_rate": ("率定后发生率", "Calibrated rate"),
    "method": ("方法", "Method"),
    "share_covered": ("覆盖违法占比", "Share of violations covered"),
    "no_helmet": ("未戴头盔", "No helmet"),
    "lane_mixing": ("机非混行", "Lane mixing"),
    "illegal_passenger": ("违法载人", "Illegal passenger"),
    "red_light": ("闯红灯", "Red-light running"),
    "wrong_way": ("逆行", "Wrong-way riding"),
    "cells_layer": ("风险网格", "Risk cells"),
    "why_colour": ("为何是此颜色：主要因子", "Why this colour: top factors"),
    "factor": ("因子", "Factor"),
    "value": ("取值", "Value"),
    "contribution": ("贡献", "Contribution"),
    "trend": ("趋势", "Trend"),
    "warnings": ("预警", "Warnings"),
    "events": ("事件", "Events"),
    "model": ("模型", "Model"),
    "weights": ("因子权重", "Factor weights"),
    "thresholds": ("四色阈值", "Four-colour thresholds"),
    "whatif": ("调整效果预览（未发布）", "What-if preview (not published)"),
    "changed_cells": ("变色对象", "Subjects changing colour"),
    "publish": ("发布新版本", "Publish new version"),
    "published": ("已发布版本", "Published version"),
    "colour": ("颜色", "Colour"),
    "before": ("调整前", "Before"),
    "after": ("调整后", "After"),
    "red": ("红", "Red"),
    "orange": ("橙", "Orange"),
    "yellow": ("黄", "Yellow"),
    "blue": ("蓝", "Blue"),
    "none": ("无等级", "None"),
    "indicators_street": ("各街道指标", "Indicators by street"),
    "hour_weekday": ("时段 × 星期热力图", "Hour × weekday heat map"),
    "delivery": ("外卖骑手", "Delivery riders"),
    "calibration": ("模型率定验证", "Calibration"),
    "camera_health": ("点位在线率", "Camera health"),
    "site_selection": ("优化选点", "Site selection"),
    "feed": ("数据源", "Feed"),
    "rows_in": ("输入行", "Rows in"),
    "accepted": ("入库", "Accepted"),
    "quarantined": ("隔离", "Quarantined"),
    "download_report": ("下载风险指数报告", "Download risk-index report"),
    "select_cell": (
        "在驾驶舱地图上点击网格查看详情",
        "Click a cell on the cockpit map to see its detail",
    ),
}


def t(key: str, lang: str = "zh") -> str:
    """Return the label ``key`` in ``lang`` (zh or en); unknown keys come back as themselves."""
    zh, en = TEXT.get(key, (key, key))
    return en if lang == "en" else zh


def lang_of(search: str | None) -> str:
    """Language from a URL query string (``?lang=en``); default Chinese."""
    if search and "lang=en" in search:
        return "en"
    return "zh"
