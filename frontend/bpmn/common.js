// Shared by the modeler and viewer bundles: page config (json_script), the API client, error markers.
import { layoutWithLanes, hasDiagram } from "./layout.js";

export function pageConfig() {
  const node = document.getElementById("bpmn-config");
  return node ? JSON.parse(node.textContent) : {};
}

let catalogue = null;

// The text in the page's language: the server translates the Vietnamese msgid (bpmn/frontend_messages.py) into
// config.messages; {name} placeholders are filled from `values`.
export function t(text, values = {}) {
  if (catalogue === null) catalogue = pageConfig().messages || {};
  const translated = catalogue[text] || text;
  return translated.replace(/{(\w+)}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const headers = document.body.getAttribute("hx-headers");
  try {
    return headers ? JSON.parse(headers)["X-CSRFToken"] : "";
  } catch {
    return "";
  }
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

async function request(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const api = {
  get: (url) => request("GET", url),
  post: (url, body) => request("POST", url, body || {}),
  put: (url, body) => request("PUT", url, body),
};

/** The XML to import: laid out first when it has no diagram (the shipped files have none). */
export async function drawable(xml) {
  return hasDiagram(xml) ? { xml, laidOut: false } : { xml: await layoutWithLanes(xml), laidOut: true };
}

/** Mark server validation errors on their elements (marker + overlay with the reason). */
export function markErrors(viewer, errors, previous = []) {
  const canvas = viewer.get("canvas");
  const overlays = viewer.get("overlays");
  const registry = viewer.get("elementRegistry");
  for (const id of previous) {
    if (registry.get(id)) canvas.removeMarker(id, "langnghe-error");
  }
  overlays.remove({ type: "langnghe-error" });
  const marked = [];
  const byElement = new Map();
  for (const error of errors) {
    if (!error.element_id || !registry.get(error.element_id)) continue;
    if (!byElement.has(error.element_id)) byElement.set(error.element_id, []);
    byElement.get(error.element_id).push(error.reason);
  }
  for (const [id, reasons] of byElement) {
    canvas.addMarker(id, "langnghe-error");
    const note = document.createElement("div");
    note.className = "langnghe-error-overlay";
    note.setAttribute("data-element-id", id);
    note.textContent = reasons.join(" · ");
    const element = registry.get(id);
    const position = element.waypoints ? { top: -10, left: 0 } : { top: -28, left: 0 };
    overlays.add(id, "langnghe-error", { position, html: note });
    marked.push(id);
  }
  return marked;
}

export function renderErrorList(list, summary, errors, onPick) {
  list.replaceChildren();
  summary.textContent = errors.length
    ? t("{count} lỗi: sửa các phần tử được đánh dấu đỏ trước khi gửi duyệt.", { count: errors.length })
    : t("Máy chủ kiểm tra: quy trình hợp lệ.");
  summary.dataset.errors = String(errors.length);
  for (const error of errors) {
    const item = document.createElement("li");
    const where = error.element_id || (error.line ? t("dòng {line}", { line: error.line }) : t("tài liệu"));
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = where;
    button.addEventListener("click", () => onPick(error.element_id));
    item.append(button, document.createTextNode(`: ${error.reason}`));
    item.dataset.elementId = error.element_id || "";
    list.append(item);
  }
}
