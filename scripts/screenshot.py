"""Screenshot of the cockpit (驾驶舱) on a real store for the README: serves the app from a
pingan workdir (after `pingan demo`), opens it in Debian's headless Chromium, waits until the
map is painted and the side panel filled, and writes a PNG.

Run: ``.venv/bin/python scripts/screenshot.py --workdir var --out docs/img/cockpit.png``
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PAINTED_JS = """
const done = arguments[arguments.length - 1];
(function poll() {
  const m = window.pinganMap;
  if (m && m.version >= 1 && m.calls >= 1) {
    requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
  } else { setTimeout(poll, 20); }
})();
"""


def _conftest():
    spec = importlib.util.spec_from_file_location("dash_conftest", ROOT / "tests" / "dashboards" / "conftest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path("var"))
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "cockpit.png")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=760)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from dashboards.app import create_app
    from dashboards.data import AppData
    from geo.store import open_store
    from pingan.settings import Settings

    c = _conftest()
    s = Settings(workdir=args.workdir)
    app = create_app(AppData(open_store(s.store_url)), s)
    srv = c.ServerThread(app, c.free_port())
    srv.start()
    drv = c.chrome_driver(args.chromium, args.chromedriver, Path(tempfile.mkdtemp()), args.width, args.height)
    drv.set_script_timeout(60)
    try:
        drv.get(srv.url + "/")
        drv.execute_async_script(PAINTED_JS)
        WebDriverWait(drv, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#side-panel table")))
        time.sleep(1.0)  # boundaries and the panel's last frame
        args.out.parent.mkdir(parents=True, exist_ok=True)
        drv.save_screenshot(str(args.out))
        print(f"wrote {args.out}")
    finally:
        drv.quit()
        srv.stop()


if __name__ == "__main__":
    main()
