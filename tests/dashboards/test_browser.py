"""The app in a real headless Chromium (Debian chromium + chromedriver), one server and one
browser per session. Screenshots go to test-artifacts/ (gitignored)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.browser

# Red pixels (#d7191c) drawn by the cell layer's canvas.
RED_PIXELS_JS = """
const cv = document.querySelector('canvas.pingan-cells');
if (!cv) { return -1; }
const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
let n = 0;
for (let i = 0; i < d.length; i += 4) {
  if (Math.abs(d[i] - 215) < 30 && d[i + 1] < 80 && Math.abs(d[i + 2] - 28) < 40 && d[i + 3] > 0) { n++; }
}
return n;
"""

# Renders each character alone in the page's own font stack and returns base64 PNGs of the
# glyphs; U+0378 is unassigned in Unicode, so it is drawn as the missing-glyph box (tofu).
GLYPHS_JS = """
const family = getComputedStyle(document.body).fontFamily;
const out = [];
for (const ch of arguments[0]) {
  const c = document.createElement('canvas'); c.width = 48; c.height = 48;
  const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, 48, 48);
  g.fillStyle = '#000'; g.font = '32px ' + family; g.textBaseline = 'top'; g.fillText(ch, 4, 4);
  out.push(c.toDataURL());
}
return out;
"""


def wait_for(fn: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    """Poll ``fn`` until it returns something truthy; fail with ``what`` after ``timeout`` s."""
    end = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < end:
        try:
            last = fn()
        except Exception as e:  # noqa: BLE001 - element not there yet / stale
            last = e
        if last and not isinstance(last, Exception):
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def text_of(browser: Any, css: str) -> str:
    return browser.find_element(By.CSS_SELECTOR, css).text


def map_state(browser: Any) -> dict[str, Any]:
    return browser.execute_script(
        "const m = window.pinganMap; return {version: m.version, calls: m.calls, "
        "changed: m.changed, loopMs: m.loopMs, geom: m.geom ? m.geom.n : null};"
    )


def stable_red(browser: Any) -> int:
    """Red pixel count once two reads 0.3 s apart agree (the canvas finished redrawing)."""

    def read() -> int | None:
        a = browser.execute_script(RED_PIXELS_JS)
        time.sleep(0.3)
        b = browser.execute_script(RED_PIXELS_JS)
        return a if a == b and a > 0 else None

    return int(wait_for(read, what="stable canvas"))


def open_cockpit(browser: Any, app_url: str, query: str = "") -> None:
    browser.get(f"{app_url}/{query}")
    wait_for(
        lambda: browser.find_elements(By.CSS_SELECTOR, "canvas.pingan-cells"), what="cell canvas"
    )
    wait_for(
        lambda: map_state(browser)["version"] >= 1 and browser.execute_script(RED_PIXELS_JS) > 0,
        what="cells coloured from their classes",
    )


def choose(browser: Any, dropdown_id: str, label: str) -> None:
    """Pick ``label`` in a dcc.Dropdown (Dash 4 listbox) the way a user does."""
    browser.find_element(By.ID, dropdown_id).click()
    opt = wait_for(
        lambda: [
            o
            for o in browser.find_elements(By.CSS_SELECTOR, "[role=option]")
            if o.text.strip() == label
        ],
        what=f"option {label}",
    )
    opt[0].click()


def test_cockpit_draws_the_map_and_recolours_on_filter(
    browser: Any, app_url: str, view_tables: dict, artifacts: Path
) -> None:
    open_cockpit(browser, app_url)
    n_cells = view_tables["cell_scores"]["h3_9"].nunique()
    st = map_state(browser)
    assert st["calls"] >= n_cells  # every cell was styled from real values
    assert st["geom"] == n_cells
    # the geometry came once, from its own URL, not inside Dash's layout
    geo = [
        e
        for e in browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        if "/pingan/cells.bin" in e
    ]
    assert len(geo) == 1
    # boundaries are drawn too (county GeoJSON on the same canvas renderer: no tile layer at all)
    assert not browser.find_elements(By.CSS_SELECTOR, ".leaflet-tile-pane img")
    red_before = stable_red(browser)
    assert red_before > 0
    browser.save_screenshot(str(artifacts / "cockpit_zh.png"))

    v0 = st["version"]
    choose(browser, "theme", "火灾风险")
    wait_for(lambda: map_state(browser)["version"] > v0, what="restyle after theme change")
    red_after = stable_red(browser)
    assert red_after < 0.8 * red_before  # fire-risk scores are lower than the composite in the data
    v1 = map_state(browser)["version"]
    choose(browser, "theme", "综合风险指数")
    wait_for(lambda: map_state(browser)["version"] > v1, what="restyle back to composite")
    assert abs(stable_red(browser) - red_before) <= 0.02 * red_before


# Page coordinates of a red cell: at the current zoom (arguments[0] null) the first red pixel
# of the cell canvas; else the centre of the first red cell after zooming the map there.
RED_CELL_JS = """
const zoom = arguments[0], done = arguments[arguments.length - 1];
const m = window.pinganMap, map = m.renderer._map, g = m.geom;
function at(latlng) {
  const p = map.latLngToContainerPoint(latlng), r = map.getContainer().getBoundingClientRect();
  return [r.left + p.x, r.top + p.y];
}
if (zoom === null) {
  const cv = document.querySelector('canvas.pingan-cells'), r = cv.getBoundingClientRect();
  const mr = map.getContainer().getBoundingClientRect();
  const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
  for (let y = 0; y < cv.height; y++) for (let x = 0; x < cv.width; x++) {
    const i = 4 * (y * cv.width + x), px = r.left + x, py = r.top + y;
    if (d[i] === 215 && d[i + 1] === 25 && d[i + 2] === 28 && d[i + 3] === 255 &&
        px > mr.left + 60 && px < mr.right - 60 && py > mr.top + 60 && py < mr.bottom - 30) {
      return done([px + 0.5, py + 0.5, -1]);
    }
  }
  return done(null);
}
let i = 0;
while (i < g.n && m.keys[i] !== 8) { i++; }
let lat = 0, lng = 0;
for (let j = g.off[i]; j < g.off[i + 1]; j++) { lat += g.lat[j]; lng += g.lng[j]; }
const c = L.latLng(lat / (g.off[i + 1] - g.off[i]), lng / (g.off[i + 1] - g.off[i]));
map.once('moveend', () => setTimeout(() => done(at(c).concat([i])), 300));
map.setView(c, zoom, {animate: false});
"""


def click_at(browser: Any, x: float, y: float) -> None:
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    ab = ActionBuilder(browser)
    ab.pointer_action.move_to_location(int(x), int(y)).click()
    ab.perform()


def test_click_on_county_drills_and_on_cell_opens_detail(
    browser: Any, app_url: str, view_tables: dict
) -> None:
    import h3

    open_cockpit(browser, app_url)
    wait_for(lambda: text_of(browser, "#side-title") == "全市", what="city panel")
    # city zoom: a cell is about a pixel wide, so a click on it drills into its county
    x, y, _ = browser.execute_async_script(RED_CELL_JS, None)
    click_at(browser, x, y)
    wait_for(lambda: text_of(browser, "#side-title") != "全市", what="county after map click")
    assert browser.find_elements(By.ID, "ranking-township") and "/detail" not in browser.current_url
    browser.find_element(By.ID, "back-city").click()
    wait_for(lambda: text_of(browser, "#side-title") == "全市", what="back to city")
    # zoomed in, a click on a cell opens that cell's detail page
    v0 = map_state(browser)["version"]
    wait_for(lambda: map_state(browser)["version"] >= v0, what="restyle")
    x, y, i = browser.execute_async_script(RED_CELL_JS, 14)
    click_at(browser, x, y)
    cell = h3.int_to_str(int(np.sort(view_tables["cell_scores"]["h3_9"].unique())[i]))
    wait_for(lambda: f"/detail?cell={cell}" in browser.current_url, what="detail page of cell")
    wait_for(lambda: cell in text_of(browser, "#detail-title"), what="detail title")


def test_cells_overlay_can_be_hidden(browser: Any, app_url: str) -> None:
    open_cockpit(browser, app_url)
    assert stable_red(browser) > 0
    browser.find_element(By.CSS_SELECTOR, ".leaflet-control-layers").click()
    box = wait_for(
        lambda: browser.find_elements(
            By.CSS_SELECTOR, ".leaflet-control-layers-overlays input[type=checkbox]"
        ),
        what="overlay checkboxes",
    )
    box[0].click()  # the first overlay is the cells
    wait_for(
        lambda: not browser.find_elements(By.CSS_SELECTOR, "canvas.pingan-cells"), what="hidden"
    )
    box[0].click()
    wait_for(lambda: browser.execute_script(RED_PIXELS_JS) > 0, what="cells shown again")


def test_drill_down_changes_side_panel(browser: Any, app_url: str, artifacts: Path) -> None:
    open_cockpit(browser, app_url)
    wait_for(lambda: browser.find_elements(By.ID, "ranking-county"), what="county ranking")
    assert text_of(browser, "#side-title") == "全市"
    v0 = map_state(browser)["version"]
    first = browser.find_element(By.CSS_SELECTOR, "#ranking-county button")
    county = first.text
    first.click()
    wait_for(lambda: text_of(browser, "#side-title") == county, what="side panel title = county")
    wait_for(lambda: browser.find_elements(By.ID, "ranking-township"), what="township ranking")
    assert "乡镇（街道）排名" in text_of(browser, "#side-panel")
    # highlight pass: the drilled county's cells are re-styled with a new hideout
    wait_for(lambda: map_state(browser)["version"] > v0, what="highlight restyle")
    browser.save_screenshot(str(artifacts / "cockpit_drill_county.png"))
    town = browser.find_element(By.CSS_SELECTOR, "#ranking-township button")
    name = town.text
    town.click()
    wait_for(lambda: text_of(browser, "#side-title") == name, what="side panel title = township")
    assert browser.find_elements(By.ID, "ranking-grid")
    browser.find_element(By.ID, "back-city").click()
    wait_for(lambda: text_of(browser, "#side-title") == "全市", what="back to city")


def test_language_switch_shows_english(browser: Any, app_url: str, artifacts: Path) -> None:
    open_cockpit(browser, app_url)
    browser.find_element(By.ID, "lang-switch").click()
    wait_for(lambda: "lang=en" in browser.current_url, what="?lang=en")
    wait_for(lambda: "County ranking" in text_of(browser, "#side-panel"), what="English side panel")
    nav = text_of(browser, "#navbar")
    assert "Cockpit" in nav and "Model workbench" in nav and "驾驶舱" not in nav
    assert text_of(browser, "#side-title") == "City"
    wait_for(lambda: browser.execute_script(RED_PIXELS_JS) > 0, what="map in English page")
    browser.save_screenshot(str(artifacts / "cockpit_en.png"))
    browser.find_element(By.ID, "lang-switch").click()
    wait_for(lambda: "区县排名" in text_of(browser, "#side-panel"), what="back to Chinese")


def test_workbench_edit_shows_whatif(browser: Any, app_url: str, artifacts: Path) -> None:
    browser.get(f"{app_url}/workbench")
    wait_for(lambda: browser.find_elements(By.ID, "wb-counts"), what="initial what-if table")
    before = text_of(browser, "#wb-counts")
    assert text_of(browser, "#wb-nchanged").endswith(": 0")  # unchanged model: nothing moves
    # a model owner gives the first factor ten times its weight
    w = browser.find_element(By.CSS_SELECTOR, "input[id*='wb-w']")
    new = str(10 * float(w.get_attribute("value")))
    w.clear()
    w.send_keys(new, Keys.ENTER)
    after = wait_for(
        lambda: (s := text_of(browser, "#wb-counts")) != before and s, what="counts change"
    )
    n = int(text_of(browser, "#wb-nchanged").rsplit(":", 1)[1])
    assert n > 0 and "+" in after
    wait_for(
        lambda: len(
            browser.find_elements(
                By.CSS_SELECTOR,
                "#wb-map .leaflet-overlay-pane canvas,#wb-map .leaflet-overlay-pane path",
            )
        ),
        what="changed cells on the workbench map",
    )
    browser.save_screenshot(str(artifacts / "workbench_whatif.png"))


def test_detail_camera_quality_pages(
    browser: Any, app_url: str, view_tables: dict, artifacts: Path
) -> None:
    import h3

    cs = view_tables["cell_scores"]
    cell = h3.int_to_str(int(cs.sort_values("score").iloc[-1]["h3_9"]))
    browser.get(f"{app_url}/detail?cell={cell}")
    wait_for(lambda: browser.find_elements(By.ID, "detail-factors"), what="factor table")
    assert cell in text_of(browser, "#detail-title") and "红" in text_of(browser, "#detail-title")
    browser.get(f"{app_url}/camera")
    wait_for(lambda: browser.find_elements(By.ID, "camera-streets"), what="street indicators")
    page = text_of(browser, "#camera-page")
    for label in (
        "各街道指标",
        "时段 × 星期热力图",
        "外卖骑手",
        "模型率定验证",
        "点位在线率",
        "优化选点",
        "问题清单",
    ):
        assert label in page
    assert browser.find_elements(By.CSS_SELECTOR, "#camera-heatmap .main-svg")
    browser.save_screenshot(str(artifacts / "camera.png"))
    browser.get(f"{app_url}/quality")
    wait_for(lambda: browser.find_elements(By.ID, "quality-table"), what="quality table")
    assert "110警情" in text_of(browser, "#quality-table")


def test_chinese_glyphs_are_not_tofu(browser: Any, app_url: str) -> None:
    browser.get(f"{app_url}/")
    wait_for(
        lambda: browser.find_elements(By.ID, "navbar") and text_of(browser, "#navbar"),
        what="navbar",
    )
    imgs = browser.execute_script(GLYPHS_JS, ["驾", "驶", "舱", "\u0378"])
    cjk, tofu = imgs[:3], imgs[3]
    assert len(set(cjk)) == 3, "three different Chinese characters render identically (boxes)"
    for g in cjk:
        assert g != tofu, "a Chinese character renders as the missing-glyph box"
    # the navbar's Chinese text is laid out with real glyph widths (≈1em each), not zero-width
    w = browser.execute_script(
        "const s = document.createElement('span'); s.textContent = '驾驶舱'; s.style.fontSize = '20px';"
        "document.body.appendChild(s); const w = s.getBoundingClientRect().width; s.remove(); return w;"
    )
    assert 50 <= w <= 70


def test_report_download_route(
    browser: Any, app_url: str, view_store: Any, app_settings: Any
) -> None:
    import urllib.error
    import urllib.request

    from dashboards.data import AppData
    from dashboards.report import build_report

    reports = Path(app_settings.workdir) / "reports"
    for f in reports.glob("latest.*"):
        f.unlink()
    # no report yet: the app builds one for the newest scored month on the first download
    with urllib.request.urlopen(f"{app_url}/download/report/latest.pdf") as resp:
        body = resp.read()
    assert body[:5] == b"%PDF-" and (reports / "risk_index_2026-10.pdf").is_file()
    r = build_report(AppData(view_store), "2026-10", reports)
    with urllib.request.urlopen(f"{app_url}/download/report/latest.pdf") as resp:
        body = resp.read()
    assert body[:5] == b"%PDF-" and body == r.pdf_path.read_bytes()
    with urllib.request.urlopen(f"{app_url}/download/report/risk_index_2026-10.html") as resp:
        assert "全域社会治安风险指数报告" in resp.read().decode("utf-8")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"{app_url}/download/report/..%2F..%2Fetc%2Fpasswd")
    assert e.value.code == 404
