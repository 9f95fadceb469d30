// Style functions for dash-leaflet GeoJSON layers: colours are computed in the browser from
// hideout (one value per feature in feature order, stepped thresholds), so a filter change sends
// numbers only and the geometry stays in the browser.
// window.pinganMap records when the cells were last restyled (read by the browser tests and
// benchmarks/app.py to measure filter-change latency): {version, first, last, calls}.
window.pinganMap = {version: 0, first: 0, last: 0, calls: 0, hideout: null, hl: null};
window.pingan = Object.assign({}, window.pingan, {
    cellStyle: function (feature, context) {
        const h = context.hideout || {};
        const m = window.pinganMap;
        const now = performance.now();
        if (m.hideout !== h) {  // a new hideout arrived: a new restyle pass starts
            m.hideout = h;
            m.hl = new Set(h.hl || []);
            m.version += 1;
            m.first = now;
            m.calls = 0;
        }
        m.last = now;
        m.calls += 1;
        const v = (h.v || [])[feature.properties.i];
        if (v === null || v === undefined) {
            return {weight: 0, fillOpacity: 0.0, opacity: 0.0};
        }
        const steps = h.steps || [0, 25, 50, 75];
        const colors = h.colors || ["#2c7bb6", "#fecc5c", "#fd8d3c", "#d7191c"];
        let k = 0;
        for (let j = 0; j < steps.length; j++) { if (v >= steps[j]) { k = j; } }
        const hl = m.hl.has(feature.properties.i);
        return {fillColor: colors[k], color: hl ? "#000" : colors[k], weight: hl ? 1.2 : 0.2,
                opacity: 1.0, fillOpacity: hl ? 0.85 : 0.65};
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
