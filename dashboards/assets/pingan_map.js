// Colouring of the cockpit's H3 cells in the browser. The geometry is fetched once
// (/pingan/cells.geojson); a filter change sends only a "hideout"-shaped object (one value per
// feature in feature order, stepped thresholds, colours, highlighted indices) through the
// ``cell-values`` store, and pingan.recolour() calls setStyle on the existing canvas layers.
// (dash-leaflet's own GeoJSON hideout prop re-creates every feature on change: too slow for
// 20,000+ cells.)
// window.pinganMap also records when cells were last restyled, for the browser tests and
// benchmarks/app.py: version (restyles with real values), calls (cells styled since), first/last.
window.pinganMap = {version: 0, first: 0, last: 0, calls: 0, hideout: null, hl: new Set(), layers: []};

function pinganCellStyle(i) {
    const m = window.pinganMap;
    const h = m.hideout || {};
    m.calls += 1;
    m.last = performance.now();
    const v = (h.v || [])[i];
    if (v === null || v === undefined) {
        return {stroke: false, fillOpacity: 0.0};
    }
    const steps = h.steps || [0, 25, 50, 75];
    const colors = h.colors || ["#2c7bb6", "#fecc5c", "#fd8d3c", "#d7191c"];
    if (v < steps[0]) {
        return {stroke: false, fillOpacity: 0.0};  // below blue: no risk code, nothing drawn
    }
    let k = 0;
    for (let j = 0; j < steps.length; j++) { if (v >= steps[j]) { k = j; } }
    // a selected area: its cells keep full colour, the rest of the city fades
    const dim = m.hl.size > 0 && !m.hl.has(i);
    // fill only for blue/yellow (stroking 20,000+ hexagons doubles the canvas work); orange and
    // red get a 2-px outline so a ~350 m cell stays visible at city zoom
    const hot = k >= 2;
    return {fillColor: colors[k], stroke: hot, color: colors[k], weight: hot ? 2 : 0,
            fillOpacity: dim ? 0.15 : 0.75};
}

window.dash_clientside = Object.assign({}, window.dash_clientside, {
    pingan: {
        recolour: function (h) {
            if (!h) { return window.dash_clientside.no_update; }
            const m = window.pinganMap;
            m.hideout = h;
            m.hl = new Set(h.hl || []);
            m.version += 1;
            m.calls = 0;
            m.first = performance.now();
            // Write the style into each layer's options and redraw the canvas once: setStyle()
            // per layer recomputes bounds and extends the redraw region 20,000+ times.
            const layers = m.layers;
            let renderer = null;
            for (let i = 0; i < layers.length; i++) {
                const l = layers[i];
                if (!l) { continue; }
                Object.assign(l.options, pinganCellStyle(i));
                if (l._renderer && !l._renderer._ctx) { l._updateStyle(); }  // SVG renderer
                renderer = renderer || l._renderer;
            }
            if (renderer && renderer._ctx && renderer._map) {
                renderer._redrawBounds = null;
                renderer._redraw();
            }
            m.loopMs = performance.now() - m.first;
            return m.version;
        }
    }
});

window.pingan = Object.assign({}, window.pingan, {
    cellStyle: function (feature, context) {
        return pinganCellStyle(feature.properties.i);
    },
    cellEach: function (feature, layer, context) {
        window.pinganMap.layers[feature.properties.i] = layer;
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
