"""A tiny hand-made city of feed files (real formats, department headers) for the ingest tests.

Each file has a known set of malformed rows; ``EXPECTED`` lists them as
(feed, row_number, reason).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

LON, LAT = 112.3550, 28.5540  # central Yiyang (WGS-84)


def _check(first17: str) -> str:
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * k for c, k in zip(first17, w, strict=True)) % 11]


def pid(seq: int, birth: str = "19850301") -> str:
    b = f"430902{birth}{seq:03d}"
    return b + _check(b)


EXPECTED = {
    ("calls_110", 3, "bad_datetime"),
    ("calls_110", 4, "outside_city"),
    ("calls_110", 5, "malformed_record"),
    ("calls_110", 6, "missing_required"),
    ("hukou", 2, "bad_id_number"),
    ("hotel_lodging", 2, "malformed_record"),
    ("hazmat_vehicle_gps", 3, "bad_coordinates"),
}


def write_city(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    feats = []
    for i, (road, no, bld, unit) in enumerate(
        [("康富路", 12, "3", "1"), ("康富路", 12, "3", "2"), ("桃花仑路", 5, "", "")]
    ):
        lon, lat = LON + i * 0.002, LAT + i * 0.001
        text = f"益阳市赫山区龙岭街道{road}{no}号" + (f"{bld}栋{unit}单元" if bld else "")
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "地址编码": f"A{i}",
                    "建筑物编码": f"B{i}",
                    "标准地址": text,
                    "区县": "赫山区",
                    "乡镇街道": "龙岭街道",
                    "网格编码": "G1",
                    "街路巷": road,
                    "门牌号": no,
                    "楼栋": bld,
                    "单元": unit,
                    "经度": lon,
                    "纬度": lat,
                },
            }
        )
    d = out / "std_address"
    d.mkdir(exist_ok=True)
    (d / "std_address_20260720.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False),
        encoding="utf-8",
    )
    grid = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "网格编码": "G1",
                    "网格名称": "龙岭一网格",
                    "乡镇街道代码": "430903001",
                },
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [LON - 0.05, LAT - 0.05],
                            [LON + 0.05, LAT - 0.05],
                            [LON + 0.05, LAT + 0.05],
                            [LON - 0.05, LAT + 0.05],
                            [LON - 0.05, LAT - 0.05],
                        ]
                    ],
                },
            }
        ],
    }
    (out / "grids_20260720.geojson").write_text(
        json.dumps(grid, ensure_ascii=False), encoding="utf-8"
    )
    # 110 calls: CSV GBK, GCJ-02 coordinates; a late July row in the August file
    header = "警情编号,报警时间,发案地址,警情类别,警情细类,报警人电话,经度,纬度,简要警情\r\n"
    rows = [
        "J1,2026-07-03 14:05:00,益阳市赫山区龙岭街道康富路12号3栋2单元,盗窃,扒窃,13812345678,112.3610,28.5510,钱包被偷\r\n",
        "J2,2026年7月4日 09:30,康富路12号,纠纷,邻里,+86 138-1234-5679,112.3612,28.5512,吵架\r\n",
        "J3,2026-02-30 10:20:00,康富路12号,盗窃,,13812345670,112.3611,28.5511,x\r\n",
        "J4,2026-07-05 10:20:00,康富路12号,火灾,,13812345671,120.3611,28.5511,x\r\n",
        'J5,2026-07-05 11:00:00,康富路12号,其他,,13812345672,112.3611,28.5511,半句"话,备注\r\n',
        "J6,,康富路12号,盗窃,,13812345673,112.3611,28.5511,x\r\n",
    ]
    (out / "calls_110_202608.csv").write_bytes((header + "".join(rows)).encode("gbk"))
    # hukou: XLSX, Excel serial birth dates, one bad check digit, one legacy 15-digit ID
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "公民身份号码",
            "姓名",
            "性别",
            "民族",
            "出生日期",
            "户号",
            "与户主关系",
            "户籍地址",
            "联系电话",
        ]
    )
    good = pid(123)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    ws.append(
        [
            good,
            "张三",
            "男",
            "汉族",
            31107,
            "H1",
            "户主",
            "赫山区康富路12号3栋2单元502室",
            "13812345678",
        ]
    )
    ws.append([bad, "李四", "女", "汉族", 31107, "H2", "户主", "康富路12号", "13812345679"])
    ws.append(
        [
            pid(125, "19700101")[:6] + "700101125",
            "王五",
            "男",
            "汉族",
            25569,
            "H3",
            "户主",
            "桃花仑路5号",
            None,
        ]
    )
    wb.save(out / "hukou_20260720.xlsx")
    # hotel lodging: JSONL with one truncated line; masked guest ID
    lines = [
        json.dumps(
            {
                "LSH": "S1",
                "LGBM": "H01",
                "LGMC": "如家",
                "ZJHM": "430902********1234",
                "XM": "赵六",
                "RZSJ": "20260703220000",
                "TFSJ": "20260704080000",
                "FH": "301",
            },
            ensure_ascii=False,
        ),
        json.dumps(
            {
                "LSH": "S2",
                "LGBM": "H01",
                "LGMC": "如家",
                "ZJHM": good,
                "XM": "张三",
                "RZSJ": "20260705220000",
                "TFSJ": None,
                "FH": "302",
            },
            ensure_ascii=False,
        )[:40],
        json.dumps(
            {
                "LSH": "S3",
                "LGBM": "H01",
                "LGMC": "如家",
                "ZJHM": pid(123),
                "XM": "张 三",
                "RZSJ": 1783260000000,
                "TFSJ": None,
                "FH": "303",
            },
            ensure_ascii=False,
        ),
    ]
    (out / "hotel_lodging_202607.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # hazmat GPS: Parquet, epoch ms, WGS-84
    gps = pd.DataFrame(
        {
            "车牌号": ["湘H·12345", "湘H12345", "湘H12346"],
            "定位时间": [1783000000000, 1783000030000, 1783000060000],
            "经度": ["112.3551", "112.3552", "abc"],
            "纬度": [28.554, 28.555, 28.556],
            "速度": [40.0, 42.5, 10.0],
            "方向": [90, 91, 92],
        }
    )
    gps.to_parquet(out / "hazmat_vehicle_gps_20260702.parquet")
    return out
