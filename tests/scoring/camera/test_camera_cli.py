"""``pingan hotspots`` end to end on an embedded GeoParquet store."""

from __future__ import annotations

from typer.testing import CliRunner

from geo.store import open_store
from pingan.cli import app


def _env(tmp_path) -> dict[str, str]:
    return {"PINGAN_WORKDIR": str(tmp_path), "PINGAN_CONFIG": str(tmp_path / "none.toml")}


def test_hotspots_command_writes_every_table(tmp_path, toy_city) -> None:
    store = open_store(tmp_path / "store")
    # The feed's own headers and labels, as the ingest stores them.
    det = toy_city.detections.rename(columns={"violation": "detected_violation"})
    det["is_delivery"] = det["is_delivery"].map({True: "是", False: "否"})
    audits = toy_city.audits.rename(columns={"true_violation": "reviewed_violation"})
    store.write("cameras", toy_city.cameras)
    store.write("feed_ebike_detections", det.iloc[:60000])
    store.write("feed_ebike_flow", toy_city.flow)
    store.write("detection_audit", audits)
    res = CliRunner().invoke(app, ["hotspots", "--budget", "4"], env=_env(tmp_path))
    assert res.exit_code == 0, res.output
    for t in ("camera_indicators", "camera_calibration", "hotspots_h3", "hotspots_road",
              "emerging_hotspots", "camera_health", "site_selection", "problem_lists"):
        assert store.exists(t), t
        assert store.count(t) > 0, t
    sel = store.read("site_selection")
    assert (sel.loc[sel["method"] == "greedy", "pick"].max()) == 4
    ind = store.read("camera_indicators", filters={"level": "city", "period": "all"})
    assert int(ind["n_det"].iloc[0]) == 60000


def test_hotspots_command_without_detections_exits_1(tmp_path, toy_city) -> None:
    store = open_store(tmp_path / "store")
    store.write("cameras", toy_city.cameras)
    res = CliRunner().invoke(app, ["hotspots"], env=_env(tmp_path))
    assert res.exit_code == 1
    assert "ebike_detections" in res.output
