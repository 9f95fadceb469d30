"""Declarative table of every department feed the synthetic city renders (FEEDS.md).

One :class:`FeedSpec` per row of ``shared/FEEDS.md``: feed id, 中文 name, department, file
format, text encoding, coordinate convention, cadence, how files are split by period, the
entity each record stands for, and the department's own column headers mapped from
*canonical field names*.  Canonical field names are the same across feeds (``id_number``,
``name``, ``phone``, ``address``, ``occurred_at``, ``lon``/``lat`` ...) so that ingest can map
any department's header back to one vocabulary; each column also carries a ``kind`` telling
which normaliser applies and which mess may be injected.

Coordinate conventions (``coords``): ``W`` WGS-84 as-is, ``G`` GCJ-02, ``B`` BD-09, ``A``
address text only (no coordinates), ``-`` none (keyed by a device/place id).

Split (``split``): ``snapshot`` = one file with the whole registry, named by the last day of
the world (``hukou_20261028.xlsx``); ``month`` = one file per calendar month (Asia/Shanghai) of
the record's ``period_field`` (``calls_110_202607.csv``) — a small share of records arrives late,
in the next month's file; ``day`` = one file per day (big streams,
``ebike_detections_20260701.parquet``).

``big_stream`` feeds (ebike_detections, ebike_flow, checkpoint_passes, hazmat_vehicle_gps) are
machine exports written day by day from the World's iterators: no injected mess and no row-level
truth in ``_truth/records.parquet`` (the detections' hidden truth is in
``_truth/ebike_detections/``); ``generate(streams_days=N)`` renders only their last N days.
In Parquet streams timestamps are native ``timestamp[ms, Asia/Shanghai]`` columns, except
``date_style="epoch_ms"`` (int64 ms since 1970-01-01 UTC).

Every other feed may carry the mess of :mod:`synth.config` (logged in
``_truth/injected_errors.parquet``); reference layers sent as GeoJSON are clean.

This module only declares; it imports nothing of pingan.  The ingest helper reads it to write
``data_contracts/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Fmt = Literal["csv", "xlsx", "jsonl", "geojson", "parquet"]
Coords = Literal["W", "G", "B", "A", "-"]
Split = Literal["snapshot", "month", "day"]
#: Column kinds: decide which normaliser ingest applies and which mess synth may inject.
Kind = Literal[
    "id_number",  # 居民身份证号 GB 11643 (18 digits; legacy 15; masked)
    "name",  # person name (中文)
    "phone",  # mobile number (11 digits, +86 variants, masked 138****1234 where noted)
    "address",  # free address text (one of a dozen writing styles)
    "datetime",  # timestamp, Asia/Shanghai wall time, in the feed's date style
    "date",  # calendar date, in the feed's date style (date part only)
    "month",  # YYYYMM / YYYY年M月
    "lon",  # longitude in the feed's coords convention
    "lat",  # latitude in the feed's coords convention
    "int",  # integer count
    "float",  # real number (amounts, depth, speed)
    "text",  # free Chinese text
    "code",  # identifier code (record number, device id, grid id, licence no.)
    "plate",  # vehicle plate (湘H·12345 / 湘H12345 / 益阳A12345)
    "uscc",  # unified social credit code GB 32100
    "category",  # a value from a small department vocabulary (Chinese label)
    "sex",  # 男 / 女
]
#: Date styles a feed may use (``DateStyle`` of :class:`FeedSpec` and of mess injection).
DATE_STYLES: Final[dict[str, str]] = {
    "iso": "2026-10-03 14:05:00",
    "iso_t": "2026-10-03T14:05:00+08:00",
    "cn": "2026年10月3日 14:05",
    "slash": "2026/10/3 14:05",
    "compact": "20261003140500",
    "epoch_ms": "1791007500000 (ms since 1970-01-01 UTC)",
    "excel": "Excel serial day number, XLSX only (46298.586805…; 1900 date system)",
}


@dataclass(frozen=True)
class Col:
    """One column of a feed: canonical field, the department's header, kind, required."""

    field: str
    header: str
    kind: Kind
    required: bool = False
    protected: bool = False  # protected attribute (e.g. 民族): never a scoring factor
    sensitivity: str = "internal"  # data_contracts.vocab.SENSITIVITY code


@dataclass(frozen=True)
class FeedSpec:
    """How one department sends one feed."""

    feed_id: str
    name_zh: str
    department: str
    fmt: Fmt
    encoding: str | None  # "utf-8" | "utf-8-sig" | "gbk" | None (binary formats)
    coords: Coords
    cadence: str  # FEEDS.md "every"
    split: Split
    entity_type: str  # person|house|address|unit|vehicle|event|camera|grid|road|...
    columns: tuple[Col, ...]
    period_field: str | None = None  # canonical field that decides the period file
    date_style: str = "iso"  # key of DATE_STYLES
    sensitivity: str = "—"  # FEEDS.md sens. column
    legacy_ids: bool = False  # old registry: persons born before 2000 may have 15-digit IDs
    big_stream: bool = False  # written in chunks from World iterators, no row-level truth
    file_pattern: str = "{feed_id}_{period}.{ext}"

    @property
    def ext(self) -> str:
        return {"csv": "csv", "xlsx": "xlsx", "jsonl": "jsonl", "geojson": "geojson",
                "parquet": "parquet"}[self.fmt]

    @property
    def headers(self) -> dict[str, str]:
        """Canonical field → the department's header."""
        return {c.field: c.header for c in self.columns}

    def col(self, field_name: str) -> Col:
        for c in self.columns:
            if c.field == field_name:
                return c
        raise KeyError(field_name)


C = Col
PS = "public security"

_SPECS: list[FeedSpec] = [
    FeedSpec("std_address", "标准地址库 (一标)", PS, "geojson", "utf-8", "W", "month", "snapshot",
             "address", (
                 C("address_id", "地址编码", "code", True), C("building_id", "建筑物编码", "code"),
                 C("std_text", "标准地址", "address", True), C("county", "区县", "text"),
                 C("township", "乡镇街道", "text"), C("grid_id", "网格编码", "code"),
                 C("road_name", "街路巷", "text"), C("road_no", "门牌号", "int"),
                 C("building", "楼栋", "text"), C("unit", "单元", "text"),
                 C("lon", "经度", "lon", True), C("lat", "纬度", "lat", True)),
             date_style="iso"),
    FeedSpec("hukou", "常住人口 (户籍)", PS, "xlsx", None, "A", "month", "snapshot", "person", (
        C("id_number", "公民身份号码", "id_number", True, sensitivity="personal"),
        C("name", "姓名", "name", True, sensitivity="personal"),
        C("sex", "性别", "sex"), C("ethnicity", "民族", "category", protected=True,
                                   sensitivity="sensitive"),
        C("birth_date", "出生日期", "date"), C("hukou_no", "户号", "code", True),
        C("relation", "与户主关系", "category"),
        C("address", "户籍地址", "address", True), C("phone", "联系电话", "phone",
                                                 sensitivity="personal")),
        date_style="excel", sensitivity="P, X (民族)", legacy_ids=True),
    FeedSpec("floating_pop", "流动人口登记", PS, "csv", "gbk", "A", "day", "month", "person", (
        C("id_number", "证件号码", "id_number", True, sensitivity="personal"),
        C("name", "姓名", "name", True, sensitivity="personal"), C("sex", "性别", "sex"),
        C("phone", "手机号", "phone", sensitivity="personal"),
        C("address", "现居住地址", "address", True), C("origin", "户籍地", "text"),
        C("reason", "暂住事由", "category"), C("occupation", "职业", "text"),
        C("registered_at", "登记日期", "date", True)),
        period_field="registered_at", date_style="slash", sensitivity="P"),
    FeedSpec("rental_housing", "出租屋登记", PS, "xlsx", None, "A", "week", "month", "house", (
        C("record_no", "登记编号", "code", True), C("address", "房屋地址", "address", True),
        C("room", "房号", "text"),
        C("landlord_id_number", "房东身份证号", "id_number", True, sensitivity="personal"),
        C("landlord_name", "房东姓名", "name", sensitivity="personal"),
        C("landlord_phone", "房东电话", "phone", sensitivity="personal"),
        C("n_tenants", "承租人数", "int"), C("registered_at", "登记日期", "date", True)),
        period_field="registered_at", date_style="cn", sensitivity="P"),
    FeedSpec("hotel_lodging", "旅馆住宿登记", PS, "jsonl", "utf-8", "-", "hour", "month", "person", (
        C("stay_id", "LSH", "code", True), C("hotel_id", "LGBM", "code", True),
        C("hotel_name", "LGMC", "text"),
        C("id_number", "ZJHM", "id_number", True, sensitivity="personal"),
        C("name", "XM", "name", True, sensitivity="personal"),
        C("check_in", "RZSJ", "datetime", True), C("check_out", "TFSJ", "datetime"),
        C("room", "FH", "text")),
        period_field="check_in", date_style="compact", sensitivity="P"),
    FeedSpec("calls_110", "110 警情", PS, "csv", "gbk", "G", "hour", "month", "event", (
        C("record_no", "警情编号", "code", True), C("reported_at", "报警时间", "datetime", True),
        C("address", "发案地址", "address"), C("category", "警情类别", "category", True),
        C("subcategory", "警情细类", "text"),
        C("caller_phone", "报警人电话", "phone", sensitivity="personal"),
        C("lon", "经度", "lon"), C("lat", "纬度", "lat"),
        C("description", "简要警情", "text")),
        period_field="reported_at", date_style="iso"),
    FeedSpec("criminal_cases", "刑事案件", PS, "csv", "utf-8", "G", "day", "month", "event", (
        C("record_no", "案件编号", "code", True), C("category", "案件类别", "category", True),
        C("occurred_at", "案发时间", "datetime", True),
        C("reported_at", "立案时间", "datetime"), C("address", "案发地点", "address"),
        C("lon", "经度", "lon"), C("lat", "纬度", "lat"),
        C("suspect_id_number", "嫌疑人身份证号", "id_number", sensitivity="personal"),
        C("suspect_name", "嫌疑人姓名", "name", sensitivity="personal"),
        C("description", "简要案情", "text")),
        period_field="reported_at", date_style="iso", sensitivity="P"),
    FeedSpec("admin_cases", "治安案件", PS, "csv", "utf-8", "G", "day", "month", "event", (
        C("record_no", "案件编号", "code", True), C("category", "案由", "category", True),
        C("occurred_at", "发生时间", "datetime", True),
        C("reported_at", "受理时间", "datetime"), C("address", "发生地址", "address"),
        C("lon", "X坐标", "lon"), C("lat", "Y坐标", "lat"),
        C("party_id_number", "当事人证件号码", "id_number", sensitivity="personal"),
        C("party_name", "当事人姓名", "name", sensitivity="personal")),
        period_field="reported_at", date_style="slash", sensitivity="P"),
    FeedSpec("checkpoint_passes", "卡口过车", PS, "parquet", None, "-", "real time", "day",
             "vehicle", (
                 C("checkpoint_id", "卡口编号", "code", True),
                 C("ts", "过车时间", "datetime", True), C("plate", "号牌号码", "plate", True),
                 C("direction", "行驶方向", "category")),
             period_field="ts", date_style="iso", sensitivity="P", big_stream=True),
    FeedSpec("std_units", "实有单位", PS, "xlsx", None, "A", "month", "snapshot", "unit", (
        C("uscc", "统一社会信用代码", "uscc", True), C("name", "单位名称", "text", True),
        C("kind", "单位类别", "category"), C("address", "单位地址", "address", True),
        C("legal_rep_name", "法定代表人", "name", sensitivity="personal"),
        C("legal_rep_id_number", "法人身份证号", "id_number", sensitivity="personal"),
        C("employees", "从业人员数", "int"), C("opened", "成立日期", "date")),
        date_style="iso"),
    FeedSpec("vehicle_registry", "机动车/电动自行车登记", "traffic police", "csv", "gbk", "-",
             "week", "snapshot", "vehicle", (
                 C("plate", "号牌号码", "plate", True), C("vehicle_kind", "车辆类型", "category"),
                 C("brand", "品牌型号", "text"), C("colour", "车身颜色", "category"),
                 C("owner_name", "所有人", "name", sensitivity="personal"),
                 C("owner_id_number", "所有人证件号码", "id_number", sensitivity="personal"),
                 C("owner_phone", "联系电话", "phone", sensitivity="personal")),
             date_style="compact", sensitivity="P"),
    FeedSpec("traffic_accidents", "交通事故", "traffic police", "csv", "utf-8", "W", "day", "month",
             "event", (
                 C("record_no", "事故编号", "code", True),
                 C("occurred_at", "事故时间", "datetime", True),
                 C("address", "事故地点", "address"), C("lon", "经度", "lon"),
                 C("lat", "纬度", "lat"), C("severity", "事故等级", "category"),
                 C("party_id_number", "当事人身份证号", "id_number", sensitivity="personal"),
                 C("plates", "涉事车辆号牌", "plate")),
             period_field="occurred_at", date_style="cn", sensitivity="P"),
    FeedSpec("traffic_violations", "交通违法 (现场)", "traffic police", "csv", "gbk", "G", "day",
             "month", "event", (
                 C("record_no", "决定书编号", "code", True),
                 C("occurred_at", "违法时间", "datetime", True),
                 C("address", "违法地点", "address"), C("behaviour", "违法行为", "text"),
                 C("plate", "号牌号码", "plate"),
                 C("driver_id_number", "驾驶人证件号", "id_number", sensitivity="personal"),
                 C("lon", "经度", "lon"), C("lat", "纬度", "lat")),
             period_field="occurred_at", date_style="compact", sensitivity="P"),
    FeedSpec("camera_registry", "视频点位", "video platform", "xlsx", None, "B", "week", "snapshot",
             "camera", (
                 C("camera_id", "设备编码", "code", True), C("name", "点位名称", "text"),
                 C("lon", "经度", "lon", True), C("lat", "纬度", "lat", True),
                 C("direction", "监控方向", "category"), C("install_date", "安装日期", "date"),
                 C("has_ebike_algo", "非机动车算法", "category")),
             date_style="excel"),
    FeedSpec("ebike_detections", "电动自行车违法抓拍", "video AI platform", "parquet", None, "-",
             "real time", "day", "detection", (
                 C("detection_id", "抓拍编号", "code", True),
                 C("camera_id", "设备编码", "code", True),
                 C("ts", "抓拍时间", "datetime", True), C("vehicle_class", "车辆类型", "category"),
                 C("detected_violation", "违法类型", "category"),
                 C("confidence", "置信度", "float"), C("plate_partial", "号牌", "plate"),
                 C("is_delivery", "是否外卖", "category"), C("platform", "平台", "category"),
                 C("snapshot_ref", "图片地址", "code")),
             period_field="ts", date_style="iso", big_stream=True),
    FeedSpec("ebike_flow", "非机动车流量", "video AI platform", "csv", "utf-8", "-", "15 min",
             "day", "camera", (
                 C("camera_id", "设备编码", "code", True),
                 C("interval_start", "统计开始时间", "datetime", True),
                 C("n_ebike", "电动自行车", "int"), C("n_tricycle", "三轮车", "int"),
                 C("n_motorcycle", "摩托车", "int")),
             period_field="interval_start", date_style="iso", big_stream=True),
    FeedSpec("detection_audit", "抓拍人工复核样本", "video AI platform", "csv", "utf-8", "-", "week",
             "snapshot", "detection", (
                 C("detection_id", "抓拍编号", "code", True), C("camera_id", "设备编码", "code"),
                 C("detected_violation", "系统判定", "category"),
                 C("reviewed_violation", "复核结果", "category", True)),
             date_style="iso"),
    FeedSpec("detection_audit_clips", "抓拍漏检复核", "video AI platform", "csv", "utf-8", "-",
             "week", "snapshot", "camera", (
                 C("camera_id", "设备编码", "code", True), C("clip_date", "复核日期", "date", True),
                 C("violation", "违法类型", "category", True),
                 C("reviewed_passes", "复核通行量", "int"), C("found_count", "系统抓拍数", "int"),
                 C("missed_count", "漏检数", "int")),
             date_style="iso"),
    FeedSpec("delivery_riders", "外卖骑手备案", "platforms via commerce bureau", "csv", "utf-8-sig",
             "-", "week", "snapshot", "person", (
                 C("name", "骑手姓名", "name", True, sensitivity="personal"),
                 C("phone", "手机号", "phone", True, sensitivity="personal"),
                 C("id_number", "身份证号", "id_number", sensitivity="personal"),
                 C("platform", "平台", "category", True), C("plate", "电动车号牌", "plate")),
             date_style="iso", sensitivity="P"),
    FeedSpec("hazmat_vehicle_gps", "两客一危车辆 GPS", "transport bureau", "parquet", None, "W",
             "30 s", "day", "vehicle", (
                 C("plate", "车牌号", "plate", True), C("ts", "定位时间", "datetime", True),
                 C("lon", "经度", "lon", True), C("lat", "纬度", "lat", True),
                 C("speed_kmh", "速度", "float"), C("heading", "方向", "int")),
             period_field="ts", date_style="epoch_ms", big_stream=True),
    FeedSpec("hazmat_drivers", "两客一危驾驶人", "transport bureau", "xlsx", None, "-", "month",
             "snapshot", "person", (
                 C("name", "驾驶员姓名", "name", True, sensitivity="personal"),
                 C("id_number", "身份证号", "id_number", True, sensitivity="personal"),
                 C("licence_no", "从业资格证号", "code"), C("company", "所属企业", "text"),
                 C("phone", "联系电话", "phone", sensitivity="personal"),
                 C("plate", "车牌号", "plate")),
             date_style="iso", sensitivity="P"),
    FeedSpec("road_network", "道路中心线", "natural resources", "geojson", "utf-8", "W", "year",
             "snapshot", "road", (
                 C("road_id", "道路编码", "code", True), C("name", "道路名称", "text"),
                 C("kind", "道路等级", "category"), C("county_adcode", "行政区划代码", "code"))),
    FeedSpec("fire_incidents", "火灾警情", "fire rescue", "csv", "gbk", "A", "day", "month", "event", (
        C("record_no", "警情编号", "code", True), C("reported_at", "接警时间", "datetime", True),
        C("address", "起火地址", "address", True), C("cause", "起火原因", "text"),
        C("severity", "火灾等级", "category")),
        period_field="reported_at", date_style="cn"),
    FeedSpec("fire_inspections", "消防检查", "fire rescue", "xlsx", None, "A", "week", "month",
             "unit", (
                 C("record_no", "检查记录号", "code", True), C("unit_name", "检查单位", "text"),
                 C("uscc", "统一社会信用代码", "uscc"), C("address", "单位地址", "address"),
                 C("inspected_on", "检查日期", "date", True),
                 C("result", "检查结果", "category"), C("n_hazards", "隐患数", "int")),
             period_field="inspected_on", date_style="excel"),
    FeedSpec("smoke_sensors", "烟感告警", "IoT platform", "jsonl", "utf-8", "-", "real time", "month",
             "house", (
                 C("alarm_id", "alarmId", "code", True), C("device_id", "deviceId", "code", True),
                 C("ts", "alarmTime", "datetime", True), C("alarm_type", "alarmType", "category")),
             period_field="ts", date_style="epoch_ms"),
    FeedSpec("elevator_ebike", "电梯电动车入户告警", "property / IoT", "jsonl", "utf-8", "-",
             "real time", "month", "address", (
                 C("alarm_id", "告警编号", "code", True),
                 C("building_id", "楼栋编号", "code", True),
                 C("elevator_id", "电梯编号", "code"), C("ts", "告警时间", "datetime", True)),
             period_field="ts", date_style="iso_t"),
    FeedSpec("disputes", "矛盾纠纷排查", "political-legal (综治)", "xlsx", None, "A", "day", "month",
             "event", (
                 C("record_no", "纠纷编号", "code", True),
                 C("reported_at", "登记时间", "datetime", True),
                 C("category", "纠纷类型", "category"), C("address", "发生地址", "address"),
                 C("party1_name", "当事人甲", "name", sensitivity="personal"),
                 C("party1_id_number", "甲方身份证号", "id_number", sensitivity="personal"),
                 C("party2_name", "当事人乙", "name", sensitivity="personal"),
                 C("party2_id_number", "乙方身份证号", "id_number", sensitivity="personal"),
                 C("result", "调处结果", "category")),
             period_field="reported_at", date_style="cn", sensitivity="P"),
    FeedSpec("grid_events", "网格事件", "grid management", "jsonl", "utf-8", "G", "real time",
             "month", "event", (
                 C("record_no", "事件编号", "code", True), C("grid_id", "网格编码", "code"),
                 C("reported_at", "上报时间", "datetime", True),
                 C("category", "事件类型", "category"), C("lon", "经度", "lon"),
                 C("lat", "纬度", "lat"), C("description", "事件描述", "text")),
             period_field="reported_at", date_style="iso"),
    FeedSpec("grids", "网格划分", "grid management", "geojson", "utf-8", "W", "year", "snapshot",
             "grid", (
                 C("grid_id", "网格编码", "code", True), C("name", "网格名称", "text"),
                 C("township_code", "乡镇街道代码", "code"))),
    FeedSpec("smi_registry", "严重精神障碍患者", "health commission", "xlsx", None, "A", "month",
             "snapshot", "person", (
                 C("name", "患者姓名", "name", True, sensitivity="sensitive"),
                 C("id_number", "身份证号", "id_number", True, sensitivity="sensitive"),
                 C("sex", "性别", "sex"), C("address", "现住址", "address"),
                 C("risk_level", "危险性评估等级", "category", sensitivity="sensitive"),
                 C("guardian_phone", "监护人电话", "phone", sensitivity="personal")),
             date_style="iso", sensitivity="S", legacy_ids=True),
    FeedSpec("smi_followups", "精神障碍随访", "health commission", "csv", "utf-8", "-", "week",
             "month", "person", (
                 C("id_number", "患者身份证号", "id_number", True, sensitivity="sensitive"),
                 C("followed_on", "随访日期", "date", True),
                 C("status", "随访结果", "category", sensitivity="sensitive"),
                 C("doctor", "随访医生", "name")),
             period_field="followed_on", date_style="iso", sensitivity="S"),
    FeedSpec("hospitals", "医疗机构", "health commission", "csv", "utf-8", "G", "year", "snapshot",
             "unit", (
                 C("name", "机构名称", "text", True), C("uscc", "统一社会信用代码", "uscc"),
                 C("sub_kind", "机构类别", "category"), C("address", "地址", "address"),
                 C("lon", "经度", "lon"), C("lat", "纬度", "lat"))),
    FeedSpec("low_income", "低保 / 特困", "civil affairs", "xlsx", None, "A", "month", "snapshot",
             "person", (
                 C("name", "户主姓名", "name", True, sensitivity="personal"),
                 C("id_number", "户主身份证号", "id_number", True, sensitivity="personal"),
                 C("household_size", "家庭人口", "int"), C("support_kind", "保障类别", "category"),
                 C("address", "家庭住址", "address"), C("monthly_amount", "月保障金额", "float")),
             date_style="iso", sensitivity="P", legacy_ids=True),
    FeedSpec("elderly_alone", "独居老人", "civil affairs", "xlsx", None, "A", "month", "snapshot",
             "person", (
                 C("name", "姓名", "name", True, sensitivity="personal"),
                 C("id_number", "身份证号码", "id_number", True, sensitivity="personal"),
                 C("age", "年龄", "int"), C("address", "居住地址", "address"),
                 C("phone", "联系电话", "phone", sensitivity="personal")),
             date_style="iso", sensitivity="P", legacy_ids=True),
    FeedSpec("community_corrections", "社区矫正对象", "justice bureau", "xlsx", None, "A", "month",
             "snapshot", "person", (
                 C("name", "姓名", "name", True, sensitivity="sensitive"),
                 C("id_number", "身份证号", "id_number", True, sensitivity="sensitive"),
                 C("correction_kind", "矫正类别", "category", sensitivity="sensitive"),
                 C("start_date", "矫正起始日期", "date"), C("address", "居住地址", "address")),
             date_style="excel", sensitivity="S", legacy_ids=True),
    FeedSpec("released_prisoners", "刑满释放人员 (安置帮教)", "justice bureau", "xlsx", None, "A",
             "month", "snapshot", "person", (
                 C("name", "姓名", "name", True, sensitivity="sensitive"),
                 C("id_number", "公民身份号码", "id_number", True, sensitivity="sensitive"),
                 C("released_on", "释放日期", "date"),
                 C("offence", "原罪名", "category", sensitivity="sensitive"),
                 C("address", "居住地址", "address")),
             date_style="cn", sensitivity="S", legacy_ids=True),
    FeedSpec("schools", "学校", "education bureau", "csv", "utf-8", "G", "year", "snapshot", "unit", (
        C("name", "学校名称", "text", True), C("school_code", "学校标识码", "code", True),
        C("sub_kind", "学段", "category"), C("address", "地址", "address"),
        C("lon", "经度", "lon"), C("lat", "纬度", "lat"), C("students", "在校生数", "int"))),
    FeedSpec("business_registry", "市场主体登记", "market regulation", "csv", "utf-8", "A", "week",
             "snapshot", "unit", (
                 C("uscc", "统一社会信用代码", "uscc", True), C("name", "企业名称", "text", True),
                 C("kind", "市场主体类型", "category"), C("address", "住所", "address"),
                 C("legal_rep_name", "法定代表人", "name", sensitivity="personal"),
                 C("opened", "成立日期", "date"), C("status", "登记状态", "category")),
             date_style="compact"),
    FeedSpec("three_small_venues", "三小场所", "market regulation", "xlsx", None, "A", "month",
             "snapshot", "unit", (
                 C("name", "场所名称", "text", True), C("uscc", "统一社会信用代码", "uscc"),
                 C("sub_kind", "场所类型", "category"), C("address", "地址", "address", True),
                 C("manager_name", "负责人", "name", sensitivity="personal"),
                 C("phone", "联系电话", "phone", sensitivity="personal"))),
    FeedSpec("entertainment", "娱乐场所 (KTV/网吧/酒吧)", "culture & tourism", "csv", "gbk", "G",
             "quarter", "snapshot", "unit", (
                 C("licence_no", "许可证号", "code", True), C("name", "场所名称", "text", True),
                 C("sub_kind", "类别", "category"), C("address", "地址", "address"),
                 C("lon", "经度", "lon"), C("lat", "纬度", "lat"))),
    FeedSpec("hazmat_firms", "危化品企业", "emergency management", "xlsx", None, "G", "quarter",
             "snapshot", "unit", (
                 C("name", "企业名称", "text", True), C("uscc", "统一社会信用代码", "uscc", True),
                 C("address", "地址", "address"), C("lon", "经度", "lon"), C("lat", "纬度", "lat"),
                 C("chemicals", "危化品种类", "text"), C("major_hazard", "重大危险源", "category"))),
    FeedSpec("hotline_12345", "12345 热线诉求", "government service centre", "csv", "utf-8-sig", "A",
             "day", "month", "event", (
                 C("record_no", "工单编号", "code", True),
                 C("reported_at", "来电时间", "datetime", True),
                 C("caller_phone", "来电号码", "phone", sensitivity="personal"),
                 C("address", "诉求地址", "address"), C("category", "诉求类别", "category"),
                 C("description", "诉求内容", "text")),
             period_field="reported_at", date_style="slash", sensitivity="P"),
    FeedSpec("wage_arrears", "欠薪投诉", "human resources", "xlsx", None, "A", "week", "month",
             "unit", (
                 C("record_no", "投诉编号", "code", True),
                 C("reported_on", "投诉日期", "date", True),
                 C("unit_name", "被投诉单位", "text"), C("uscc", "统一社会信用代码", "uscc"),
                 C("address", "单位地址", "address"), C("n_workers", "涉及人数", "int"),
                 C("amount", "涉及金额(元)", "float")),
             period_field="reported_on", date_style="excel"),
    FeedSpec("fraud_reports", "电信诈骗报案", "anti-fraud centre", "csv", "utf-8", "A", "day",
             "month", "event", (
                 C("record_no", "报案编号", "code", True),
                 C("reported_at", "报案时间", "datetime", True),
                 C("victim_id_number", "受害人证件号码", "id_number", sensitivity="personal"),
                 C("victim_name", "受害人姓名", "name", sensitivity="personal"),
                 C("address", "居住地址", "address"), C("fraud_kind", "诈骗类型", "category"),
                 C("loss", "损失金额", "float")),
             period_field="reported_at", date_style="iso", sensitivity="P"),
    FeedSpec("power_anomaly", "用电异常", "power supply company", "csv", "gbk", "A", "month",
             "month", "house", (
                 C("meter_id", "户号", "code", True), C("address", "用电地址", "address", True),
                 C("month", "统计月份", "month", True), C("kwh", "用电量(kWh)", "float"),
                 C("anomaly_kind", "异常类型", "category")),
             period_field="month", date_style="compact"),
    FeedSpec("waterlogging", "内涝积水监测", "water resources", "csv", "utf-8", "W", "hour", "month",
             "sensor", (
                 C("sensor_id", "站点编号", "code", True), C("lon", "经度", "lon"),
                 C("lat", "纬度", "lat"), C("ts", "监测时间", "datetime", True),
                 C("depth_cm", "积水深度(cm)", "float")),
             period_field="ts", date_style="iso"),
    FeedSpec("weather", "气象日值", "meteorology", "csv", "utf-8", "-", "day", "month", "station", (
        C("station_id", "区站号", "code", True), C("date", "日期", "date", True),
        C("tmax", "最高气温", "float"), C("tmin", "最低气温", "float"),
        C("precip_mm", "降水量", "float"), C("wind", "平均风速", "float")),
        period_field="date", date_style="compact"),
    FeedSpec("market_days", "赶场日历", "township governments", "xlsx", None, "A", "year",
             "snapshot", "township", (
                 C("township", "乡镇", "text", True), C("rule", "赶场规则", "text"),
                 C("date", "赶场日期", "date", True)),
             date_style="cn"),
]

FEEDS: Final[dict[str, FeedSpec]] = {s.feed_id: s for s in _SPECS}
