"""全域社会治安风险指数报告 — the periodic risk-index report (one self-contained HTML + PDF)."""

from dashboards.report.build import ReportResult, build_report

__all__ = ["ReportResult", "build_report"]
