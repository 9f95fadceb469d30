// Colouring of the cockpit's H3 cells in the browser. The geometry is fetched once
// (/pingan/cells.geojson). A filter change (theme, period, selected area) is handled by the
// clientside callback pingan.select: it fetches the colour classes of that filter once from
// /pingan/cellclass (one character "0"-"4" per feature in feature order, classed on the server
// with the theme's own thresholds, plus the indices of the selected area's cells), keeps them in
// a browser cache (and prefetches every theme x period of the city view after the first paint),
// and restyles only the canvas layers whose class changed, then redraws once. No Dash round trip
// on a cached filter. (dash-leaflet's own GeoJSON hideout prop re-creates every feature on
// change: too slow for 20,000+ cells.)
// window.pinganMap also records when cells were last restyled, for the browser tests and
// benchmarks/app.py: version (restyles with real classes), calls (cells checked since), changed
// (cells whose style changed), first/last (performance.now()).
window.pinganMap = {version: 0, first: 0, last: 0, calls: 0, changed: 0, cls: null, hl: new Set(),
                    layers: [], styles: null, colors: null, cache: new Map(), want: null,
                    prefetched: false};

// Style objects shared by all layers: index 2*k + dim, k = class 0 (not drawn) .. 4 (red).
function pinganStyles(colors) {
    const s = [{stroke: false, fillOpacity: 0.0}, {stroke: false, fillOpacity: 0.0}];
    for (let k = 1; k <= 4; k++) {
        const c = colors[k - 1];
        // fill only for blue/yellow (stroking 20,000+ hexagons doubles the canvas work); orange
        // and red get a 2-px outline so a ~350 m cell stays visible at city zoom
        const hot = k >= 3;
        for (const dim of [false, true]) {
            // a selected area: its cells keep full colour, the rest of the city fades
            s.push({fillColor: c, stroke: hot, color: c, weight: hot ? 2 : 0,
                    fillOpacity: dim ? 0.15 : 0.75});
        }
    }
    return s;
}

function pinganStyleKey(i) {
    const m = window.pinganMap;
    if (!m.cls) { return 0; }
    const k = m.cls.charCodeAt(i) - 48;
    if (!(k > 0)) { return 0; }  // no score or below blue: nothing drawn
    return 2 * k + ((m.hl.size > 0 && !m.hl.has(i)) ? 1 : 0);
}

function pinganCellStyle(i) {
    const m = window.pinganMap;
    m.calls += 1;
    m.last = performance.now();
    const key = pinganStyleKey(i);
    return (m.styles || pinganStyles(["#2c7bb6", "#fecc5c", "#fd8d3c", "#d7191c"]))[key];
}

function pinganApply(p) {
    const m = window.pinganMap;
    const colorsKey = JSON.stringify(p.colors);
    const restyleAll = colorsKey !== m.colors;
    if (restyleAll) { m.styles = pinganStyles(p.colors); m.colors = colorsKey; }
    m.cls = p.c;
    m.hl = new Set(p.hl || []);
    m.version += 1;
    m.calls = 0;
    m.changed = 0;
    m.first = performance.now();
    // Write the style into the options of each layer whose class changed and redraw the canvas
    // once: setStyle() per layer recomputes bounds and extends the redraw region 20,000+ times.
    const layers = m.layers, styles = m.styles;
    let renderer = null;
    for (let i = 0; i < layers.length; i++) {
        const l = layers[i];
        if (!l) { continue; }
        m.calls += 1;
        renderer = renderer || l._renderer;
        const key = pinganStyleKey(i);
        if (l._pinganKey === key && !restyleAll) { continue; }
        l._pinganKey = key;
        Object.assign(l.options, styles[key]);
        if (l._renderer && !l._renderer._ctx) { l._updateStyle(); }  // SVG renderer
        m.changed += 1;
    }
    if (m.changed > 0 && renderer && renderer._ctx && renderer._map) {
        renderer._redrawBounds = null;
        renderer._redraw();
    }
    m.last = performance.now();
    m.loopMs = m.last - m.first;
    return m.version;
}

// Batched canvas drawing of the cells: Leaflet's canvas renderer fills and strokes every polygon
// on its own (30,000 fill() calls and style switches per redraw). Each cell layer keeps its
// projection, clipping and click hit-test, but its _updatePath draws nothing except, for the
// first cell reached in a renderer pass, every visible cell at once: one path and one fill (and
// stroke for orange/red) per style. Red is drawn last, so hot outlines stay on top.
const PINGAN_BATCH = 64;

function pinganDrawAll(r) {
    const m = window.pinganMap, ctx = r._ctx, styles = m.styles, layers = m.layers;
    if (!styles) { return; }
    const groups = styles.map(() => []);
    for (let i = 0; i < layers.length; i++) {
        const l = layers[i];
        if (l && l._map && l._renderer === r && l._parts && l._parts.length) {
            groups[l._pinganKey || 0].push(l);
        }
    }
    for (let key = 2; key < styles.length; key++) {
        const g = groups[key], o = styles[key];
        if (!g.length) { continue; }
        // paths of PINGAN_BATCH cells: one huge path is far slower to rasterise than a few
        // hundred small ones
        for (let b = 0; b < g.length; b += PINGAN_BATCH) {
            ctx.beginPath();
            const end = Math.min(g.length, b + PINGAN_BATCH);
            for (let t = b; t < end; t++) {
                const parts = g[t]._parts;
                for (let j = 0; j < parts.length; j++) {
                    const ring = parts[j];
                    ctx.moveTo(ring[0].x, ring[0].y);
                    for (let q = 1; q < ring.length; q++) { ctx.lineTo(ring[q].x, ring[q].y); }
                    ctx.closePath();
                }
            }
            ctx.globalAlpha = o.fillOpacity;
            ctx.fillStyle = o.fillColor;
            ctx.fill("evenodd");
            if (o.stroke && o.weight) {
                if (ctx.setLineDash) { ctx.setLineDash([]); }
                ctx.globalAlpha = 1.0;
                ctx.lineWidth = o.weight;
                ctx.strokeStyle = o.color;
                ctx.lineCap = "round";
                ctx.lineJoin = "round";
                ctx.stroke();
            }
        }
    }
}

function pinganCellUpdatePath() {
    const r = this._renderer;
    if (!r || !r._ctx) { return L.Polygon.prototype._updatePath.call(this); }  // SVG renderer
    if (!r._drawing) { return; }
    if (!r._pinganWrapped) {
        // a new renderer pass starts with nothing of the cells drawn yet
        const draw = r._draw;
        r._draw = function () { this._pinganDone = false; return draw.apply(this, arguments); };
        r._pinganWrapped = true;
        r._pinganDone = false;
    }
    if (r._pinganDone) { return; }
    r._pinganDone = true;
    pinganDrawAll(r);
}

function pinganClassesUrl(theme, period, level, code) {
    const q = new URLSearchParams({theme: theme, period: period, level: level, code: code});
    return "/pingan/cellclass?" + q.toString();
}

function pinganFetch(theme, period, level, code) {
    const m = window.pinganMap;
    const key = [theme, period, level, code].join("|");
    if (m.cache.has(key)) { return Promise.resolve(m.cache.get(key)); }
    return fetch(pinganClassesUrl(theme, period, level, code))
        .then(r => r.json())
        .then(p => {
            if (m.cache.size > 96) { m.cache.delete(m.cache.keys().next().value); }
            m.cache.set(key, p);
            return p;
        });
}

// After the first paint: fetch the city view of every theme x period, one at a time, so that
// switching a filter later is a browser-only restyle.
function pinganPrefetch(themes, periods) {
    const m = window.pinganMap;
    if (m.prefetched) { return; }
    m.prefetched = true;
    const todo = [];
    for (const th of themes) { for (const pe of periods) { todo.push([th, pe]); } }
    (function next() {
        const job = todo.shift();
        if (!job) { return; }
        pinganFetch(job[0], job[1], "city", "").then(() => setTimeout(next, 0), () => {});
    })();
}

function pinganValues(opts) {
    return (opts || []).map(o => (o !== null && typeof o === "object") ? o.value : o);
}

window.dash_clientside = Object.assign({}, window.dash_clientside, {
    pingan: {
        select: function (theme, period, area, themeOpts, periodOpts) {
            if (!theme || !period) { return window.dash_clientside.no_update; }
            const m = window.pinganMap;
            const level = (area && area.level) || "city";
            const code = level === "city" ? "" : String(area.code);
            const key = [theme, period, level, code].join("|");
            m.want = key;
            const hit = m.cache.get(key);
            if (hit) { return pinganApply(hit); }
            pinganFetch(theme, period, level, code).then(p => {
                if (m.want === key) { pinganApply(p); }
                requestAnimationFrame(() => setTimeout(
                    () => pinganPrefetch(pinganValues(themeOpts), pinganValues(periodOpts)), 200));
            });
            return window.dash_clientside.no_update;
        }
    }
});

window.pingan = Object.assign({}, window.pingan, {
    cellStyle: function (feature, context) {
        return pinganCellStyle(feature.properties.i);
    },
    cellEach: function (feature, layer, context) {
        const i = feature.properties.i;
        window.pinganMap.layers[i] = layer;
        layer._pinganKey = pinganStyleKey(i);
        layer._updatePath = pinganCellUpdatePath;
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
