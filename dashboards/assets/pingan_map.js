// Style functions for dash-leaflet GeoJSON layers: colours are computed in the browser from
// hideout (one value per feature, stepped thresholds), so a filter change sends numbers only.
window.pingan = Object.assign({}, window.pingan, {
    cellStyle: function (feature, context) {
        const h = context.hideout || {};
        const v = (h.v || [])[feature.properties.i];
        if (v === null || v === undefined) {
            return {weight: 0, fillOpacity: 0.0};
        }
        const steps = h.steps || [0, 25, 50, 75];
        const colors = h.colors || ["#2c7bb6", "#fecc5c", "#fd8d3c", "#d7191c"];
        let k = 0;
        for (let j = 0; j < steps.length; j++) { if (v >= steps[j]) { k = j; } }
        const hl = (h.hl || []).indexOf(feature.properties.i) >= 0;
        return {fillColor: colors[k], color: hl ? "#000" : colors[k], weight: hl ? 2 : 0.2,
                fillOpacity: 0.65};
    },
    areaStyle: function (feature, context) {
        return {color: "#333", weight: 1.5, fill: true, fillOpacity: 0.0, dashArray: "4"};
    },
    hotStyle: function (feature, context) {
        return {color: "#7a0177", weight: 2, fillColor: "#c51b8a", fillOpacity: 0.35};
    }
});
window.pingan = Object.assign({}, window.pingan, {
    changeStyle: function (feature, context) {
        const c = feature.properties.colour || "#bbbbbb";
        return {fillColor: c, color: "#000", weight: 1, fillOpacity: 0.75};
    }
});
