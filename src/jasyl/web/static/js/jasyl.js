// jasyl web platform: progressive enhancement only (every page works without it).
// Kept in a file so the Content-Security-Policy can forbid inline script.
//  - charts: <div class="vega-chart" data-spec-url="..."> or data-spec-id="<id of a JSON data
//    block>" -> vega-embed with the CSP-safe
//    expression interpreter (no eval / new Function);
//  - maps:   <div class="jasyl-map" data-geojson-url="..." [data-basemap-url="..."]> -> Leaflet;
//    popups are built from feature properties "title" and "lines" as text, never as HTML;
//  - forms:  <form data-confirm="question"> asks before submitting;
//  - htmx:   the CSRF header comes from hx-headers on <body>; charts/maps in swapped content start too.
"use strict";
(function () {
  // no eval (ast: true -> the bundled expression interpreter), no injected <style> (defaultStyle: false and the
  // tooltip's own style off: both styles are in jasyl.css)
  var EMBED_OPTIONS = {ast: true, renderer: "svg", actions: false, defaultStyle: false,
                       tooltip: {disableDefaultStyle: true}};

  function embedCharts(root) {
    if (typeof window.vegaEmbed !== "function") { return; }
    // spec inlined as a JSON data block (<script type="application/json" id="spec-...">)
    root.querySelectorAll(".vega-chart[data-spec-id]:not([data-ready])").forEach(function (el) {
      el.setAttribute("data-ready", "loading");
      var block = document.getElementById(el.getAttribute("data-spec-id"));
      var spec;
      try { spec = JSON.parse(block.textContent); } catch (err) {
        el.setAttribute("data-ready", "error"); el.textContent = String(err); return;
      }
      window.vegaEmbed(el, spec, EMBED_OPTIONS)
        .then(function () { el.setAttribute("data-ready", "1"); })
        .catch(function (err) { el.setAttribute("data-ready", "error"); el.textContent = String(err); });
    });
    // spec fetched from a URL
    root.querySelectorAll(".vega-chart[data-spec-url]:not([data-ready])").forEach(function (el) {
      el.setAttribute("data-ready", "loading");
      fetch(el.getAttribute("data-spec-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (spec) {
          return window.vegaEmbed(el, spec, EMBED_OPTIONS);
        })
        .then(function () { el.setAttribute("data-ready", "1"); })
        .catch(function (err) {
          el.setAttribute("data-ready", "error");
          el.textContent = el.getAttribute("data-error-text") || String(err);
        });
    });
  }

  function popupContent(props) {
    var box = document.createElement("div");
    if (props.title) {
      var h = document.createElement("strong");
      h.textContent = String(props.title);
      box.appendChild(h);
    }
    (props.lines || []).forEach(function (line) {
      var p = document.createElement("div");
      p.textContent = String(line);
      box.appendChild(p);
    });
    return box;
  }

  function drawMaps(root) {
    if (typeof window.L === "undefined") { return; }
    root.querySelectorAll(".jasyl-map[data-geojson-url]:not([data-ready])").forEach(function (el) {
      el.setAttribute("data-ready", "loading");
      var map = window.L.map(el, {attributionControl: true});
      var jobs = [];
      var base = el.getAttribute("data-basemap-url");
      if (base) {
        jobs.push(fetch(base).then(function (r) { return r.json(); }).then(function (gj) {
          window.L.geoJSON(gj, {style: function () {
            return {color: "#8a9a8f", weight: 1, fillColor: "#eef3ee", fillOpacity: 1};
          }, interactive: false}).addTo(map);
        }));
      }
      jobs.push(fetch(el.getAttribute("data-geojson-url"), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (gj) {
          var layer = window.L.geoJSON(gj, {
            pointToLayer: function (feature, latlng) {
              var p = feature.properties || {};
              return window.L.circleMarker(latlng, {radius: p.radius || 7, color: "#1d2b22", weight: 1,
                fillColor: p.color || "#1f7a4d", fillOpacity: 0.9});
            },
            onEachFeature: function (feature, lyr) {
              var p = feature.properties || {};
              lyr.bindPopup(popupContent(p));
              if (p.title) { lyr.bindTooltip(String(p.title)); }
            }
          }).addTo(map);
          var bounds = layer.getBounds();
          if (bounds.isValid()) { map.fitBounds(bounds.pad(0.2)); } else { map.setView([43.86, 77.06], 11); }
          el.setAttribute("data-features", String(gj.features ? gj.features.length : 0));
        }));
      Promise.all(jobs).then(function () { el.setAttribute("data-ready", "1"); })
        .catch(function () { el.setAttribute("data-ready", "error"); });
    });
  }

  function confirmForms(root) {
    root.querySelectorAll("form[data-confirm]:not([data-ready])").forEach(function (form) {
      form.setAttribute("data-ready", "1");
      form.addEventListener("submit", function (ev) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });
  }

  function start(root) { embedCharts(root); drawMaps(root); confirmForms(root); }

  document.addEventListener("DOMContentLoaded", function () { start(document); });
  document.addEventListener("htmx:afterSettle", function (ev) { start(ev.target || document); });
  window.jasyl = {start: start};
})();
