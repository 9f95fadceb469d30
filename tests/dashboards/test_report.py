"""The risk-index report: PDF opened with pypdf (pages, headings, figures, CJK fonts), the HTML
is self-contained, empty states when tables are missing, and the `pingan report` command."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from dashboards.data import AppData
from dashboards.report import build_report
from dashboards.report.build import ReportError, pick_periods

HEADINGS = (
    "一、全市风险指数与颜色分布",
    "二、区县与乡镇（街道）排名",
    "三、风险地图与视频违法热点",
    "四、各主题预警",
    "五、电动自行车交通违法分析",
    "六、数据质量",
    "七、模型验证情况",
)
CJK_FONT = re.compile(r"(CJK|SourceHan|Source-Han|WenQuanYi|SimSun|SimHei|YaHei)", re.IGNORECASE)


def pdf_fonts(reader: PdfReader) -> set[str]:
    """BaseFont names of the fonts embedded in the PDF (those with a /FontFile* stream)."""
    out: set[str] = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}
        for ref in fonts.values():
            f = ref.get_object()
            descs = [f.get("/FontDescriptor")]
            descs += [
                d.get_object().get("/FontDescriptor") for d in f.get("/DescendantFonts") or []
            ]
            for desc in descs:
                if desc is not None and any(
                    k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    out.add(str(f.get("/BaseFont")))
    return out


def pdf_text(reader: PdfReader) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))


@pytest.fixture(scope="module")
def report(view_store: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_report(AppData(view_store), "2026-10", tmp_path_factory.mktemp("report"))


def test_pdf_pages_headings_figures_and_cjk_font(report: Any, view_tables: dict) -> None:
    reader = PdfReader(str(report.pdf_path))
    assert len(reader.pages) == report.pages >= 4
    text = pdf_text(reader)
    for h in ("全域社会治安风险指数报告", *HEADINGS):
        assert h in text, h
    # rankings name real counties, the e-bike section real townships of the camera world
    assert "赫山区" in text and "资阳区" in text
    assert "未戴头盔" in text  # problem list descriptions
    n_images = sum(len(p.images) for p in reader.pages)
    assert n_images >= 4  # colour pie, county ranking, risk map, hour × weekday heat map
    fonts = pdf_fonts(reader)
    assert any(CJK_FONT.search(f) for f in fonts), f"no CJK font embedded: {fonts}"
    assert report.scored_period == "2026-10-26" and report.seconds < 20


def test_html_is_self_contained(report: Any) -> None:
    html = report.html_path.read_text(encoding="utf-8")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html, re.IGNORECASE)
    assert refs and all(r.startswith("data:image/png;base64,") for r in refs)
    assert not re.search(r"https?://", html)
    assert not re.search(r"@import|url\(", html)
    assert html.count("<img") >= 4
    latest = report.pdf_path.parent / "latest.pdf"
    assert latest.read_bytes() == report.pdf_path.read_bytes()


def test_empty_store_gives_empty_states_not_errors(tmp_path: Path) -> None:
    from geo.store import open_store

    r = build_report(AppData(open_store(tmp_path / "store")), "2026-10", tmp_path / "out")
    text = pdf_text(PdfReader(str(r.pdf_path)))
    for h in HEADINGS:
        assert h in text
    assert text.count("本周期暂无数据") >= 6
    assert r.scored_period is None


def test_period_selection_and_bad_period() -> None:
    periods = ["2026-09-21", "2026-09-28", "2026-10-05", "2026-10-26", "2026-11-02"]
    assert pick_periods(periods, "2026-10") == ("2026-10-26", "2026-09-28")
    assert pick_periods(periods, "2026-08") == (None, None)
    with pytest.raises(ReportError):
        pick_periods(periods, "2026-13")
    with pytest.raises(ReportError):
        pick_periods(periods, "October")


def test_pingan_report_command(view_store: Any, workdir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pingan.cli import app

    cfg = tmp_path / "pingan.toml"
    cfg.write_text(f'[pingan]\nworkdir = "{workdir}"\n', encoding="utf-8")
    out = tmp_path / "rep"
    res = CliRunner().invoke(
        app, ["report", "--period", "2026-10", "--out", str(out), "--config", str(cfg)]
    )
    assert res.exit_code == 0, res.output
    assert (out / "risk_index_2026-10.html").is_file()
    assert PdfReader(str(out / "risk_index_2026-10.pdf")).pages
    bad = CliRunner().invoke(
        app, ["report", "--period", "2026/10", "--out", str(out), "--config", str(cfg)]
    )
    assert bad.exit_code == 2


def test_ebike_section_is_the_report_month_and_says_which_days(view_tables: dict) -> None:
    """The camera world covers 2026-10-05..11: the October report shows October's month row
    (not the whole span) and says so; a month without camera data falls back to the whole span
    and says that instead."""
    from dashboards.report.build import _street_indicators_of_month

    ind, areas = view_tables["camera_indicators"], view_tables["areas"]
    assert (ind["period"] == "month").any()
    st, span = _street_indicators_of_month(ind, areas, "2026-10", "zh")
    month = ind[(ind["level"] == "township") & (ind["period"] == "month")].set_index("unit_id")
    assert len(st) == len(month) > 0
    assert st.set_index("code")["rate_any"].to_dict() == pytest.approx(month["rate_any"].to_dict())
    assert span == "视频数据覆盖 2026-10-05 至 2026-10-11（7 天）"
    _, span_en = _street_indicators_of_month(ind, areas, "2026-11", "en")
    assert span_en.endswith("none in 2026-11, so the whole span is shown")
