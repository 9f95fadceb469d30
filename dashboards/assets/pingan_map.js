// The cockpit's H3 cells, drawn in the browser on one canvas of their own.
//
// Geometry: fetched once as a compact binary blob (/pingan/cells.bin, layout in
// dashboards/maplayers.py cells_binary: vertex offsets + int32 lon/lat in 1e-6 degree), turned
// into typed arrays of Web Mercator coordinates; no GeoJSON parse and no Leaflet object per cell.
// The fetch starts as soon as this script runs (the URL is in a <meta> of the page, and the
// cockpit page preloads it), while Dash is still booting.
//
// Colours: a filter change (theme, period, selected area) is handled by the clientside callback
// pingan.select: it takes that filter's colour classes (one character "0"-"4" per cell in
// geometry order, classed on the server with the theme's own thresholds, plus the indices of the
// selected area's cells) from a browser cache or fetches them once from /pingan/cellclass, and
// redraws the cell canvas. The city view of every theme x recent period comes in one response
// after the first paint, so switching a filter later is a browser-only redraw (no server round
// trip; the side panel follows one frame later, see pinganPanelLater).
//
// Drawing: PinganCells, a Leaflet renderer (same canvas placement, padding and zoom animation
// as L.Canvas) that scan-converts every visible cell straight into one ImageData (one pixel
// write per covered pixel, no canvas path per cell) and puts it on its canvas at once. Cells are
// drawn blue, yellow, orange, red in that order; orange and red get an opaque 2-px outline so a
// ~350 m cell stays visible at city zoom; class 0 (no score / below blue) is not drawn; outside a
// selected area cells fade. Clicking a cell that is at least PINGAN_CLICK_MIN_PX wide on screen
// opens its detail page (Dash store cell-click); smaller cells let the click through to the
// county underneath (drill-down).
//
// window.pinganMap records the last redraw for the browser tests and benchmarks/app.py:
// version (redraws with real classes), calls (cells classed in it), changed (cells whose class
// or fade changed), first/last (performance.now()), loopMs (classing + drawing).
window.pinganMap = {version: 0, first: 0, last: 0, calls: 0, changed: 0, loopMs: 0,
                    cls: null, hl: null, colors: null, keys: null, order: null,
                    geom: null, geomUrl: null, geomPromise: null, renderer: null,
                    cache: new Map(), pending: new Map(), want: null, prefetched: false};

const PINGAN_DEFAULT_COLORS = ["#2c7bb6", "#fecc5c", "#fd8d3c", "#d7191c"];
const PINGAN_FILL_ALPHA = 0.75, PINGAN_DIM_ALPHA = 0.15, PINGAN_DIM_OUTLINE_ALPHA = 0.4;
const PINGAN_CLICK_MIN_PX = 4;
// outline of orange/red: 1 px outside and 1 px inside the hexagon edge (a 2-px stroke); a
// vertex moves 1/cos(30 deg) px to offset the edges of a hexagon by 1 px
const PINGAN_OUTLINE_PX = 1.1547;

// ---------------------------------------------------------------- geometry

function pinganParseCells(buf) {
    const magic = String.fromCharCode.apply(null, new Uint8Array(buf, 0, 4));
    if (magic !== "PGC1") { throw new Error("pingan: unknown cell geometry format " + magic); }
    const head = new Uint32Array(buf, 0, 4);
    const n = head[1], nv = head[2];
    const off = new Uint32Array(buf, 16, n + 1);
    const xy = new Int32Array(buf, 16 + 4 * (n + 1), 2 * nv);
    const lng = new Float64Array(nv), lat = new Float64Array(nv);
    for (let j = 0; j < nv; j++) { lng[j] = xy[2 * j] * 1e-6; lat[j] = xy[2 * j + 1] * 1e-6; }
    return {n: n, nv: n ? nv : 0, off: off, lng: lng, lat: lat, proj: null, crs: null};
}

// Cell vertices in the CRS's pixel space at zoom 0 divided by its scale (EPSG:3857: the unit
// square), so that layer pixels at zoom z are  x * crs.scale(z) - pixelOrigin.x. Bounding boxes
// and centres per cell for culling, outlines and clicks.
function pinganProjected(g, crs) {
    if (g.proj && g.crs === crs) { return g.proj; }
    const nv = g.nv, n = g.n, x = new Float64Array(nv), y = new Float64Array(nv);
    if (crs === L.CRS.EPSG3857) {
        const d = Math.PI / 180, max = L.Projection.SphericalMercator.MAX_LATITUDE;
        for (let j = 0; j < nv; j++) {
            const s = Math.sin(Math.max(Math.min(max, g.lat[j]), -max) * d);
            x[j] = 0.5 + g.lng[j] / 360;
            y[j] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
        }
    } else {
        const s0 = crs.scale(0);
        for (let j = 0; j < nv; j++) {
            const p = crs.latLngToPoint(L.latLng(g.lat[j], g.lng[j]), 0);
            x[j] = p.x / s0; y[j] = p.y / s0;
        }
    }
    const x0 = new Float64Array(n), x1 = new Float64Array(n), y0 = new Float64Array(n),
          y1 = new Float64Array(n), cx = new Float64Array(n), cy = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        const a = g.off[i], b = g.off[i + 1];
        let ax = Infinity, bx = -Infinity, ay = Infinity, by = -Infinity, sx = 0, sy = 0;
        for (let j = a; j < b; j++) {
            const px = x[j], py = y[j];
            if (px < ax) { ax = px; } if (px > bx) { bx = px; }
            if (py < ay) { ay = py; } if (py > by) { by = py; }
            sx += px; sy += py;
        }
        x0[i] = ax; x1[i] = bx; y0[i] = ay; y1[i] = by;
        cx[i] = sx / Math.max(1, b - a); cy[i] = sy / Math.max(1, b - a);
    }
    g.crs = crs;
    g.proj = {x: x, y: y, x0: x0, x1: x1, y0: y0, y1: y1, cx: cx, cy: cy};
    return g.proj;
}

function pinganLoadGeometry(url) {
    const m = window.pinganMap;
    if (m.geomPromise && m.geomUrl === url) { return m.geomPromise; }
    m.geomUrl = url;
    m.geomPromise = fetch(url)
        .then(r => { if (!r.ok) { throw new Error("pingan: " + url + " " + r.status); } return r.arrayBuffer(); })
        .then(buf => {
            if (m.geomUrl !== url) { return m.geom; }
            m.geom = pinganParseCells(buf);
            if (m.renderer && m.renderer._map) { pinganProjected(m.geom, m.renderer._map.options.crs); }
            pinganRender();
            return m.geom;
        });
    m.geomPromise.catch(e => { console.error(e); if (m.geomUrl === url) { m.geomPromise = null; } });
    return m.geomPromise;
}

// ---------------------------------------------------------------- colours

function pinganRgba(hex, alpha) {
    const h = hex.replace("#", "");
    const v = parseInt(h.length === 3 ? h.split("").map(c => c + c).join("") : h, 16);
    const r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255, a = Math.round(alpha * 255);
    return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;  // ImageData pixel, little-endian
}

// Pixel values per style key 2 * k + dim (k = class 1..4): fill and outline.
function pinganPalette(colors) {
    const fill = new Uint32Array(10), line = new Uint32Array(10);
    for (let k = 1; k <= 4; k++) {
        const c = colors[k - 1];
        fill[2 * k] = pinganRgba(c, PINGAN_FILL_ALPHA);
        fill[2 * k + 1] = pinganRgba(c, PINGAN_DIM_ALPHA);
        line[2 * k] = pinganRgba(c, 1.0);
        line[2 * k + 1] = pinganRgba(c, PINGAN_DIM_OUTLINE_ALPHA);
    }
    return {fill: fill, line: line};
}

// Classes of the current filter -> style key per cell (0: not drawn) and the drawing order
// (blue first, red last). Returns the number of cells whose key changed.
function pinganClassify(m, n) {
    const cls = m.cls, old = m.keys && m.keys.length === n ? m.keys : null;
    const keys = new Uint8Array(n);
    let dimmed = null;
    if (m.hl && m.hl.length) {
        dimmed = new Uint8Array(n).fill(1);
        for (const i of m.hl) { if (i >= 0 && i < n) { dimmed[i] = 0; } }
    }
    const count = new Uint32Array(5);
    let changed = 0;
    const len = Math.min(n, cls.length);
    for (let i = 0; i < len; i++) {
        const k = cls.charCodeAt(i) - 48;
        if (k > 0 && k <= 4) {
            keys[i] = 2 * k + (dimmed ? dimmed[i] : 0);
            count[k] += 1;
        }
    }
    if (old) { for (let i = 0; i < n; i++) { if (keys[i] !== old[i]) { changed += 1; } } } else { changed = n; }
    const start = new Uint32Array(5);
    for (let k = 2; k <= 4; k++) { start[k] = start[k - 1] + count[k - 1]; }
    const order = new Uint32Array(start[4] + count[4]);
    for (let i = 0; i < n; i++) { const k = keys[i] >> 1; if (k) { order[start[k]++] = i; } }
    m.keys = keys;
    m.order = order;
    return changed;
}

// ---------------------------------------------------------------- drawing

// Fill the convex polygon (xs, ys)[0..k) of device pixels: every pixel whose centre is inside.
// Returns the number of pixels written.
function pinganFillPoly(px, W, H, xs, ys, k, col) {
    let ymin = Infinity, ymax = -Infinity;
    for (let j = 0; j < k; j++) { if (ys[j] < ymin) { ymin = ys[j]; } if (ys[j] > ymax) { ymax = ys[j]; } }
    const ya = Math.max(0, Math.ceil(ymin - 0.5)), yb = Math.min(H - 1, Math.floor(ymax - 0.5));
    let written = 0;
    for (let y = ya; y <= yb; y++) {
        const yc = y + 0.5;
        let xl = Infinity, xr = -Infinity;
        for (let j = 0, i = k - 1; j < k; i = j++) {
            const yi = ys[i], yj = ys[j];
            if ((yi <= yc) !== (yj <= yc)) {
                const x = xs[i] + (yc - yi) * (xs[j] - xs[i]) / (yj - yi);
                if (x < xl) { xl = x; }
                if (x > xr) { xr = x; }
            }
        }
        const xa = Math.max(0, Math.ceil(xl - 0.5)), xb = Math.min(W - 1, Math.floor(xr - 0.5));
        if (xa > xb) { continue; }
        const row = y * W;
        for (let x = row + xa, e = row + xb; x <= e; x++) { px[x] = col; }
        written += xb - xa + 1;
    }
    return written;
}

const PINGAN_XS = new Float64Array(32), PINGAN_YS = new Float64Array(32);
const PINGAN_XT = new Float64Array(32), PINGAN_YT = new Float64Array(32);

// Draw every visible cell of the current classes into the renderer's canvas.
function pinganDraw(r) {
    const m = window.pinganMap, map = r._map, c = r._container;
    if (!map || !r._ctx || !c.width || !c.height) { return false; }
    const W = c.width, H = c.height;
    if (!r._image || r._image.width !== W || r._image.height !== H) {
        r._image = r._ctx.createImageData(W, H);
        r._px = new Uint32Array(r._image.data.buffer);
    } else {
        r._px.fill(0);
    }
    const px = r._px, g = m.geom, order = m.order;
    if (g && order && order.length) {
        const pal = m.palette || (m.palette = pinganPalette(PINGAN_DEFAULT_COLORS));
        const p = pinganProjected(g, map.options.crs), keys = m.keys, off = g.off;
        const ratio = r._ratio || 1, b = r._bounds, org = map.getPixelOrigin();
        const s = map.options.crs.scale(map.getZoom()) * ratio;
        const ox = (org.x + b.min.x) * ratio, oy = (org.y + b.min.y) * ratio;
        const line = PINGAN_OUTLINE_PX * ratio;
        const xs = PINGAN_XS, ys = PINGAN_YS, xt = PINGAN_XT, yt = PINGAN_YT;
        for (let t = 0; t < order.length; t++) {
            const i = order[t];
            // cull: bounding box (plus outline) outside the canvas
            if (p.x1[i] * s - ox < -2 || p.x0[i] * s - ox > W + 2 ||
                p.y1[i] * s - oy < -2 || p.y0[i] * s - oy > H + 2) { continue; }
            const key = keys[i], a = off[i], k = Math.min(off[i + 1] - a, 32);
            for (let j = 0; j < k; j++) { xs[j] = p.x[a + j] * s - ox; ys[j] = p.y[a + j] * s - oy; }
            const cx = p.cx[i] * s - ox, cy = p.cy[i] * s - oy;
            if (key >= 6) {
                // orange/red: the hexagon grown by the outline in the outline colour, then the
                // hexagon shrunk by it in the fill colour
                const rad = Math.hypot(xs[0] - cx, ys[0] - cy) || 1;
                let f = (rad + line) / rad;
                for (let j = 0; j < k; j++) { xt[j] = cx + (xs[j] - cx) * f; yt[j] = cy + (ys[j] - cy) * f; }
                if (!pinganFillPoly(px, W, H, xt, yt, k, pal.line[key])) {
                    pinganDot(px, W, H, cx, cy, pal.line[key]);
                }
                if (rad > line) {
                    f = (rad - line) / rad;
                    for (let j = 0; j < k; j++) { xt[j] = cx + (xs[j] - cx) * f; yt[j] = cy + (ys[j] - cy) * f; }
                    pinganFillPoly(px, W, H, xt, yt, k, pal.fill[key]);
                }
            } else if (!pinganFillPoly(px, W, H, xs, ys, k, pal.fill[key])) {
                pinganDot(px, W, H, cx, cy, pal.fill[key]);  // a cell smaller than a pixel
            }
        }
    }
    r._ctx.putImageData(r._image, 0, 0);
    return true;
}

function pinganDot(px, W, H, x, y, col) {
    const xi = Math.floor(x), yi = Math.floor(y);
    if (xi >= 0 && xi < W && yi >= 0 && yi < H) { px[yi * W + xi] = col; }
}

// Class and draw the current filter if geometry, classes and a map are all there.
function pinganRender() {
    const m = window.pinganMap, g = m.geom, r = m.renderer;
    if (!g || !m.cls || !r || !r._map) { return m.version; }
    m.first = performance.now();
    const changed = pinganClassify(m, g.n);
    if (!pinganDraw(r)) { return m.version; }
    m.version += 1;
    m.calls = g.n;
    m.changed = changed;
    m.last = performance.now();
    m.loopMs = m.last - m.first;
    if (m.version === 1) {
        requestAnimationFrame(() => setTimeout(pinganPrefetch, 100));
    }
    return m.version;
}

function pinganApply(p) {
    const m = window.pinganMap;
    const colorsKey = JSON.stringify(p.colors || PINGAN_DEFAULT_COLORS);
    if (colorsKey !== m.colors) {
        m.palette = pinganPalette(p.colors || PINGAN_DEFAULT_COLORS);
        m.colors = colorsKey;
        m.keys = null;
    }
    m.cls = p.c;
    m.hl = p.hl || [];
    return pinganRender();
}

// Leaflet renderer of the cells: a canvas placed and zoom-animated like L.Canvas's, redrawn by
// pinganDraw after every move/zoom. It never receives pointer events (see pinganClick).
const PinganCells = L.Renderer.extend({
    options: {padding: 0.1},
    _initContainer: function () {
        const c = this._container = document.createElement("canvas");
        c.className = "pingan-cells";
        c.style.pointerEvents = "none";
        this._ctx = c.getContext("2d");
    },
    _destroyContainer: function () {
        L.DomUtil.remove(this._container);
        delete this._container;
        delete this._ctx;
        this._image = null;
        this._px = null;
    },
    _updatePaths: function () {},
    _update: function () {
        if (this._map._animatingZoom && this._bounds) { return; }
        L.Renderer.prototype._update.call(this);
        const b = this._bounds, size = b.getSize(), c = this._container, ratio = L.Browser.retina ? 2 : 1;
        L.DomUtil.setPosition(c, b.min);
        c.width = ratio * size.x;
        c.height = ratio * size.y;
        c.style.width = size.x + "px";
        c.style.height = size.y + "px";
        this._ratio = ratio;
        this._image = null;
        pinganDraw(this);
        this.fire("update");
    },
    onRemove: function (map) {
        L.Renderer.prototype.onRemove.call(this, map);
        if (window.pinganMap.renderer === this) { window.pinganMap.renderer = null; }
    }
});

// ---------------------------------------------------------------- clicks

// Index of the drawn cell under latlng that is at least PINGAN_CLICK_MIN_PX wide on screen, or -1.
function pinganCellAt(map, latlng) {
    const m = window.pinganMap, g = m.geom, keys = m.keys;
    if (!g || !keys || !map._pinganCells) { return -1; }
    const crs = map.options.crs, p = pinganProjected(g, crs), s0 = crs.scale(0);
    const q = crs.latLngToPoint(latlng, 0), qx = q.x / s0, qy = q.y / s0;
    const minW = PINGAN_CLICK_MIN_PX / crs.scale(map.getZoom());
    for (let i = 0; i < g.n; i++) {
        if (!keys[i] || qx < p.x0[i] || qx > p.x1[i] || qy < p.y0[i] || qy > p.y1[i]) { continue; }
        if (p.x1[i] - p.x0[i] < minW) { continue; }
        let inside = false;
        for (let a = g.off[i], b = g.off[i + 1], j = a, k = b - 1; j < b; k = j++) {
            if ((p.y[j] > qy) !== (p.y[k] > qy) &&
                qx < (p.x[k] - p.x[j]) * (qy - p.y[j]) / (p.y[k] - p.y[j]) + p.x[j]) { inside = !inside; }
        }
        if (inside) { return i; }
    }
    return -1;
}

// A click on a cell opens its detail (Dash store cell-click); true if the click was a cell's.
function pinganClick(map, originalEvent) {
    if (!map._pinganCells || map._draggableMoved(map)) { return false; }
    const i = pinganCellAt(map, map.mouseEventToLatLng(originalEvent));
    if (i < 0) { return false; }
    window.pinganMap.clicks = (window.pinganMap.clicks || 0) + 1;
    window.dash_clientside.set_props("cell-click", {data: {i: i, n: window.pinganMap.clicks}});
    return true;
}

// Vector layers above the cells (county boundaries) sit on Leaflet's own canvas and take the
// DOM click first: a click on a cell wins over the county it lies in.
(function () {
    const onClick = L.Canvas.prototype._onClick;
    L.Canvas.prototype._onClick = function (e) {
        if (e.type === "click" && this._map && pinganClick(this._map, e)) { return; }
        return onClick.call(this, e);
    };
})();

// ---------------------------------------------------------------- filters

function pinganKey(theme, period, level, code) { return [theme, period, level, code].join("|"); }

function pinganFetchUrl(key, url) {
    const m = window.pinganMap;
    if (m.cache.has(key)) { return Promise.resolve(m.cache.get(key)); }
    if (m.pending.has(key)) { return m.pending.get(key); }
    const pr = fetch(url)
        .then(r => { if (!r.ok) { throw new Error("pingan: " + url + " " + r.status); } return r.json(); })
        .then(p => { pinganCachePut(key, p); return p; });
    m.pending.set(key, pr);
    pr.catch(e => console.error(e)).finally(() => m.pending.delete(key));
    return pr;
}

function pinganCachePut(key, p) {
    const m = window.pinganMap;
    if (m.cache.size > 160) { m.cache.delete(m.cache.keys().next().value); }
    m.cache.set(key, p);
}

function pinganFetch(theme, period, level, code) {
    const q = new URLSearchParams({theme: theme, period: period, level: level, code: code});
    return pinganFetchUrl(pinganKey(theme, period, level, code), "/pingan/cellclass?" + q.toString());
}

// After the first paint: the city view of every theme x recent period in one response.
function pinganPrefetch() {
    const m = window.pinganMap;
    const meta = document.querySelector('meta[name="pingan-classes-city"]');
    if (m.prefetched || !meta) { return; }
    m.prefetched = true;
    fetch(meta.content)
        .then(r => r.json())
        .then(all => { for (const key of Object.keys(all)) { if (!m.cache.has(key)) { pinganCachePut(key, all[key]); } } })
        .catch(e => { m.prefetched = false; console.error(e); });
}

// The side panel follows the map: the filter goes to the Dash store panel-filter (whose
// callback renders the panel) after the next frame, so the map's redraw is painted first;
// of several quick changes only the last one is sent.
function pinganPanelLater(theme, period, area) {
    const m = window.pinganMap, seq = m.panelSeq = (m.panelSeq || 0) + 1;
    const filt = {theme: theme, period: period, area: area || {level: "city", code: null}};
    requestAnimationFrame(() => setTimeout(() => {
        if (seq === m.panelSeq) { window.dash_clientside.set_props("panel-filter", {data: filt}); }
    }, 0));
}

function pinganMeta(name) {
    const el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.content : null;
}

window.dash_clientside = Object.assign({}, window.dash_clientside, {
    pingan: {
        select: function (theme, period, area) {
            if (!theme || !period) { return window.dash_clientside.no_update; }
            const m = window.pinganMap;
            const level = (area && area.level) || "city";
            const code = level === "city" ? "" : String(area.code);
            const key = pinganKey(theme, period, level, code);
            m.want = key;
            pinganPanelLater(theme, period, area);
            const hit = m.cache.get(key);
            if (hit) { return pinganApply(hit); }
            pinganFetch(theme, period, level, code)
                .then(p => { if (m.want === key) { pinganApply(p); } })
                .catch(e => console.error(e));
            return window.dash_clientside.no_update;
        }
    }
});

window.pingan = Object.assign({}, window.pingan, {
    // eventHandlers.add of the cockpit's "cells" LayerGroup (its overlay in the layers
    // control): put the cell renderer into the group, so toggling the overlay shows/hides it.
    cellsAdd: function (e) {
        const group = e.target, map = group._map, m = window.pinganMap;
        if (!map) { return; }
        if (!group._pinganCells) {
            if (!map.getPane("pinganCells")) {
                const pane = map.createPane("pinganCells");
                pane.style.zIndex = 350;  // under the boundaries (overlayPane, 400)
                pane.style.pointerEvents = "none";
            }
            group._pinganCells = new PinganCells({pane: "pinganCells"});
            map.on("click", ev => pinganClick(map, ev.originalEvent));
        }
        map._pinganCells = group._pinganCells;
        m.renderer = group._pinganCells;
        const url = pinganMeta("pingan-cells");
        if (url) { pinganLoadGeometry(url); }
        if (m.geom) { pinganProjected(m.geom, map.options.crs); }
        if (!group.hasLayer(group._pinganCells)) { group.addLayer(group._pinganCells); }
        pinganRender();
    },
    areaStyle: function (feature, context) {
        return {color: "#333", weight: 1.5, fill: true, fillOpacity: 0.0, dashArray: "4"};
    },
    townStyle: function (feature, context) {
        return {color: "#666", weight: 0.8, fill: true, fillOpacity: 0.0, dashArray: "2"};
    },
    roadStyle: function (feature, context) {
        return {color: "#8c8c8c", weight: 1.2, opacity: 0.9};
    },
    hotStyle: function (feature, context) {
        return {color: "#7a0177", weight: 2, fillColor: "#c51b8a", fillOpacity: 0.35};
    },
    changeStyle: function (feature, context) {
        const c = feature.properties.colour || "#bbbbbb";
        return {fillColor: c, color: c, weight: 2, fillOpacity: 0.85};
    }
});

// Start loading the cockpit's geometry and first colours while Dash boots (the page's <meta>
// tags name them; the cockpit page also has <link rel=preload> for both).
(function () {
    const url = pinganMeta("pingan-cells");
    const first = document.querySelector('meta[name="pingan-classes-first"]');
    if (!document.querySelector('link[data-pingan]')) { return; }  // not the cockpit
    if (url) { pinganLoadGeometry(url); }
    if (first) { pinganFetchUrl(first.dataset.key, first.content); }
})();
