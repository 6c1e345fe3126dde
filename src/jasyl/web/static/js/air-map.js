/* Map of monitoring sites and pollution sources (Leaflet, GeoJSON layers).
 *
 * <div class="air-map" data-geojson="URL of the sites+sources layer" data-base="URL of the offline
 *      base (Natural Earth outlines + cities)" data-tiles="optional online tile URL template"
 *      data-tiles-attribution="..." data-label-offline="..." data-label-online="..."
 *      data-label-sites="..." data-label-sources="..." data-label-approximate="..."></div>
 *
 * Popups are built from DOM nodes with textContent only: names typed by people are never parsed as HTML.
 * No inline script or style is needed (CSP); colours are SVG attributes set through Leaflet.
 */
(function () {
  "use strict";

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(url + ": " + r.status); } return r.json(); });
  }

  function popup(props, approxText) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = document.createElement("strong");
    title.textContent = props.name || "";
    box.appendChild(title);
    if (props.demo_label) {
      var tag = document.createElement("span");
      tag.className = "tag demo";
      tag.textContent = props.demo_label;
      box.appendChild(document.createTextNode(" "));
      box.appendChild(tag);
    }
    var list = document.createElement("ul");
    (props.lines || []).forEach(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      list.appendChild(li);
    });
    if (props.approximate && approxText) {
      var li2 = document.createElement("li");
      li2.textContent = approxText;
      list.appendChild(li2);
    }
    box.appendChild(list);
    if (props.url) {
      var a = document.createElement("a");
      a.href = props.url;
      a.textContent = "→";
      box.appendChild(a);
    }
    return box;
  }

  function squareIcon(props) {
    var cls = "src-marker src-" + (props.status || "other").replace(/[^a-z_]/g, "") + (props.approximate ? " approx" : "");
    return L.divIcon({ className: cls, iconSize: [14, 14], iconAnchor: [7, 7], popupAnchor: [0, -8] });
  }

  function init(el) {
    if (el.dataset.ready) { return; }
    el.dataset.ready = "1";
    var map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.5 });
    var baseLayers = {};
    var overlays = {};
    var approx = el.dataset.labelApproximate || "";
    var offline = L.layerGroup().addTo(map);
    baseLayers[el.dataset.labelOffline || "offline"] = offline;
    if (el.dataset.tiles) {
      baseLayers[el.dataset.labelOnline || "online"] = L.tileLayer(el.dataset.tiles, {
        maxZoom: 18, attribution: el.dataset.tilesAttribution || "" });
    }
    var sites = L.featureGroup();
    var sources = L.featureGroup();
    overlays[el.dataset.labelSources || "sources"] = sources;
    overlays[el.dataset.labelSites || "sites"] = sites;
    var baseReq = el.dataset.base ? fetchJson(el.dataset.base) : Promise.resolve(null);
    Promise.all([baseReq, fetchJson(el.dataset.geojson)]).then(function (res) {
      var base = res[0], layer = res[1];
      if (base) {
        L.geoJSON(base, {
          filter: function (f) { return f.properties.layer === "country"; },
          style: function () { return { color: "#8aa17f", weight: 1, fillColor: "#eef3ea", fillOpacity: 1 }; },
          interactive: false
        }).addTo(offline);
        L.geoJSON(base, {
          filter: function (f) { return f.properties.layer === "city"; },
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: 3, color: "#666", weight: 1, fillColor: "#666", fillOpacity: 1 })
              .bindTooltip(f.properties.name, { permanent: true, direction: "right", className: "city-label" });
          }
        }).addTo(offline);
      }
      L.geoJSON(layer, {
        pointToLayer: function (f, latlng) {
          var p = f.properties;
          if (p.layer === "source") {
            return L.marker(latlng, { icon: squareIcon(p), title: p.name, alt: p.name });
          }
          return L.circleMarker(latlng, { radius: 8, color: "#1b2631", weight: 2, dashArray: p.approximate ? "3 3" : null,
            fillColor: p.color || "#1f618d", fillOpacity: 0.9 });
        },
        onEachFeature: function (f, lyr) {
          lyr.bindPopup(popup(f.properties, approx));
          (f.properties.layer === "source" ? sources : sites).addLayer(lyr);
          lyr.on("add", function () {
            var node = lyr.getElement ? lyr.getElement() : null;
            if (node) {
              node.setAttribute("data-layer", f.properties.layer);
              node.setAttribute("data-name", f.properties.name || "");
              if (f.properties.code) { node.setAttribute("data-site", f.properties.code); }
            }
          });
        }
      });
      sources.addTo(map);
      sites.addTo(map);
      var all = L.featureGroup([sites, sources]);
      var bounds = all.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds.pad(0.15), { maxZoom: 11 });
      } else {
        map.setView([43.87, 77.07], 8);
      }
      L.control.layers(baseLayers, overlays, { collapsed: false }).addTo(map);
      el.setAttribute("data-loaded", String(layer.features.length));
    }).catch(function (err) {
      el.setAttribute("data-error", String(err));
    });
  }

  function initAll(root) {
    (root || document).querySelectorAll(".air-map[data-geojson]").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(); });
  } else {
    initAll();
  }
  document.addEventListener("htmx:afterSwap", function (ev) { initAll(ev.target); });
})();
