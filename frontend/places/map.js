// Maps (static/dist/map.js + map.css): the public map of published petitions (/map/), the leaders' map of cases per
// commune (/leaders/map/) and the location picker of the portal form. Leaflet and leaflet.markercluster are bundled
// (no CDN); their images are inlined. Data comes from JSON script tags (json_script) and data-attributes: the
// Content-Security-Policy allows no inline code. Without a tile server (MAP_TILE_URL empty) the map shows the
// communes' points on a plain background.
import L from "./leaflet-global.js";
import "leaflet.markercluster";
import "leaflet/dist/leaflet.css";
import "leaflet.markercluster/dist/MarkerCluster.css";
import "leaflet.markercluster/dist/MarkerCluster.Default.css";
import iconUrl from "leaflet/dist/images/marker-icon.png";
import iconRetinaUrl from "leaflet/dist/images/marker-icon-2x.png";
import shadowUrl from "leaflet/dist/images/marker-shadow.png";

delete L.Icon.Default.prototype._getIconUrl;
L.Icon.Default.mergeOptions({ iconUrl, iconRetinaUrl, shadowUrl });

const POINTS_FROM_ZOOM = 12; // places/selectors.py: from this zoom on the data are petitions, below counts per commune

function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

function text(tag, content, className) {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className) element.className = className;
  return element;
}

function link(href, content) {
  const a = text("a", content);
  a.href = href;
  return a;
}

/** A map in `element` framed on the province, with the tile layer when one is configured. */
function baseMap(element, config) {
  const map = L.map(element, { zoomSnap: 0.5, maxZoom: 18, minZoom: 6, attributionControl: Boolean(config.tileUrl) });
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.attribution || "", maxZoom: 18 }).addTo(map);
  } else {
    element.classList.add("map-plain");
  }
  if (config.bounds) {
    map.fitBounds(config.bounds);
    if (!config.tileUrl) {
      L.rectangle(config.bounds, { className: "map-province-box", interactive: false }).addTo(map);
    }
  } else {
    map.setView(config.center || [16.8, 107.1], 9);
  }
  return map;
}

function countIcon(count) {
  const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
  const inner = document.createElement("div");
  inner.appendChild(text("span", String(count)));
  return L.divIcon({ html: inner, className: `marker-cluster marker-cluster-${size}`, iconSize: L.point(40, 40) });
}

const LABELS_FROM_ZOOM = 11; // communes' names are written on the map from this zoom on (a plain map has no others)

function communeDots(map, communes) {
  const layer = L.layerGroup().addTo(map);
  const labels = L.layerGroup();
  for (const commune of communes || []) {
    if (commune.lat == null) continue;
    L.circleMarker([commune.lat, commune.lon], { radius: 3, className: "map-commune-dot" })
      .bindTooltip(commune.name)
      .addTo(layer);
    L.circleMarker([commune.lat, commune.lon], { radius: 0, interactive: false, className: "map-commune-dot" })
      .bindTooltip(commune.name, { permanent: true, direction: "right", className: "map-commune-label" })
      .addTo(labels);
  }
  const showLabels = () => {
    if (map.getZoom() >= LABELS_FROM_ZOOM) labels.addTo(map);
    else labels.remove();
  };
  map.on("zoomend", showLabels);
  showLabels();
  return layer;
}

function publicMap(element) {
  const config = readJson(element.dataset.config);
  const labels = readJson(element.dataset.labels) || {};
  const map = baseMap(element, config);
  communeDots(map, readJson(element.dataset.communes));
  // A cluster shows how many petitions it holds: a commune's marker counts for its petitions, a petition for one.
  const layer = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 50,
    iconCreateFunction: (cluster) =>
      countIcon(cluster.getAllChildMarkers().reduce((sum, marker) => sum + (marker.options.count || 1), 0)),
  }).addTo(map);
  const status = document.getElementById(element.dataset.status);
  let request = 0;

  async function refresh() {
    const mine = ++request;
    const params = new URLSearchParams(config.query || {});
    const b = map.getBounds();
    params.set("bbox", [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map((v) => v.toFixed(5)).join(","));
    params.set("zoom", String(Math.floor(map.getZoom())));
    const response = await fetch(`${config.dataUrl}?${params}`, { headers: { Accept: "application/json" } });
    if (!response.ok || mine !== request) return;
    const data = await response.json();
    layer.clearLayers();
    if (data.mode === "communes") {
      for (const commune of data.communes) {
        if (commune.lat == null || !commune.count) continue;
        const popup = document.createElement("div");
        popup.appendChild(text("strong", commune.name));
        popup.appendChild(text("p", `${commune.count} ${labels.petitions || ""}`));
        popup.appendChild(link(commune.url, labels.list || commune.name));
        L.marker([commune.lat, commune.lon], { icon: countIcon(commune.count), title: commune.name, count: commune.count })
          .bindPopup(popup)
          .on("dblclick", () => map.setView([commune.lat, commune.lon], POINTS_FROM_ZOOM))
          .addTo(layer);
      }
      if (status) status.textContent = `${data.total} ${labels.petitions || ""} · ${labels.zoomIn || ""}`;
    } else {
      const markers = data.points
        .filter((point) => point.lat != null)
        .map((point) => {
          const popup = document.createElement("div");
          popup.appendChild(link(point.url, point.title));
          popup.appendChild(text("p", `${point.type_label} · ${point.status_label} · ${point.commune}`, "small"));
          popup.appendChild(text("p", point.code, "small"));
          return L.marker([point.lat, point.lon], { title: point.title }).bindPopup(popup);
        });
      layer.addLayers(markers);
      if (status) {
        status.textContent = `${data.points.length} ${labels.petitions || ""}${data.truncated ? ` · ${labels.truncated || ""}` : ""}`;
      }
    }
  }
  map.on("moveend", refresh);
  refresh();
}

function leadersMap(element) {
  const config = readJson(element.dataset.config);
  const labels = readJson(element.dataset.labels) || {};
  const map = baseMap(element, config);
  communeDots(map, readJson(element.dataset.communes));
  for (const commune of config.communes || []) {
    if (commune.lat == null) continue;
    const popup = document.createElement("div");
    popup.appendChild(text("strong", commune.name));
    popup.appendChild(text("p", `${commune.count} ${labels.cases || ""}`));
    popup.appendChild(link(commune.url, labels.open || ""));
    L.marker([commune.lat, commune.lon], { icon: countIcon(commune.count), title: commune.name }).bindPopup(popup).addTo(map);
  }
}

function fold(value) {
  return value
    .replace(/[đĐ]/g, "d")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .trim();
}

function picker(element) {
  const config = readJson(element.dataset.config);
  const communes = (readJson(element.dataset.communes) || []).filter((c) => c.lat != null);
  const form = element.closest("form");
  const select = form.querySelector('select[name="commune"]');
  const lat = form.querySelector('input[name="latitude"]');
  const lon = form.querySelector('input[name="longitude"]');
  const search = form.querySelector("[data-place-search]");
  const results = form.querySelector("[data-place-results]");
  const clear = form.querySelector("[data-place-clear]");
  element.hidden = false;
  for (const hidden of form.querySelectorAll("[data-place-js]")) hidden.hidden = false;
  const map = baseMap(element, config);
  communeDots(map, communes);
  let marker = null;

  function place(latlng, pan) {
    if (marker) marker.setLatLng(latlng);
    else marker = L.marker(latlng, { draggable: true }).addTo(map).on("dragend", () => place(marker.getLatLng(), false));
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (pan) map.setView(latlng, Math.max(map.getZoom(), 13));
  }
  function byCode(code) {
    return communes.find((c) => c.code === code);
  }
  function goToCommune(code) {
    const commune = byCode(code);
    if (commune) map.setView([commune.lat, commune.lon], 12);
  }
  map.on("click", (event) => place(event.latlng, false));
  select.addEventListener("change", () => goToCommune(select.value));
  if (lat.value && lon.value && !Number.isNaN(Number(lat.value))) {
    place(L.latLng(Number(lat.value), Number(lon.value)), true);
  } else if (select.value) {
    goToCommune(select.value);
  }
  clear.addEventListener("click", () => {
    if (marker) map.removeLayer(marker);
    marker = null;
    lat.value = "";
    lon.value = "";
  });
  // The address search: communes (and wards, special zones) whose name matches, within the chosen commune first.
  search.addEventListener("input", () => {
    results.replaceChildren();
    const wanted = fold(search.value);
    if (wanted.length < 2) return;
    const matches = communes.filter((c) => fold(c.name).includes(wanted)).slice(0, 8);
    for (const commune of matches) {
      const item = document.createElement("li");
      const button = text("button", commune.name, "link");
      button.type = "button";
      button.addEventListener("click", () => {
        select.value = commune.code;
        place(L.latLng(commune.lat, commune.lon), true);
        results.replaceChildren();
        search.value = commune.name;
      });
      item.appendChild(button);
      results.appendChild(item);
    }
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // never submits the petition
      const first = results.querySelector("button");
      if (first) first.click();
    }
  });
}

for (const element of document.querySelectorAll("[data-map]")) {
  const kind = element.dataset.map;
  if (kind === "public") publicMap(element);
  else if (kind === "leaders") leadersMap(element);
  else if (kind === "picker") picker(element);
}
