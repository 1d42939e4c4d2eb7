// Entry point of static/dist/bpmn-viewer.js: read-only diagrams.
//   view:     the public page of a process and the version page (NavigatedViewer, no editing)
//   diff:     two versions side by side; added, removed and changed elements coloured (the diff is computed
//             on the server from the XML, see bpmn/diff.py)
//   simulate: a test run on a fake clock; the path taken and the waiting steps coloured
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn.css";
import "./bpmn.css";

import spiffworkflow from "./spiffworkflow.json";
import { ApiError, api, drawable, pageConfig, t } from "./common.js";
import { TranslateModule } from "./translate.js";

const started = performance.now();
const config = pageConfig();
const $ = (selector) => document.querySelector(selector);

async function show(container, xml) {
  const viewer = new NavigatedViewer({ container, additionalModules: [TranslateModule], moddleExtensions: { spiffworkflow } });
  const drawn = await drawable(xml);
  await viewer.importXML(drawn.xml);
  viewer.get("canvas").zoom("fit-viewport", "auto");
  return viewer;
}

function mark(viewer, ids, marker) {
  const registry = viewer.get("elementRegistry");
  const canvas = viewer.get("canvas");
  for (const id of ids) if (registry.get(id)) canvas.addMarker(id, marker);
}

function ready(viewers) {
  document.body.dataset.bpmnReady = "1";
  window.__bpmn = { viewers, readyMs: performance.now() - started };
}

async function view() {
  const viewer = await show("#bpmn-canvas", config.xml);
  // Pointing at a step in the table highlights it on the diagram.
  for (const row of document.querySelectorAll("[data-element-id]")) {
    const id = row.dataset.elementId;
    row.addEventListener("mouseenter", () => mark(viewer, [id], "langnghe-highlight"));
    row.addEventListener("mouseleave", () => viewer.get("elementRegistry").get(id) && viewer.get("canvas").removeMarker(id, "langnghe-highlight"));
  }
  ready([viewer]);
}

async function diff() {
  const [before, after] = await Promise.all([show("#bpmn-canvas-old", config.old), show("#bpmn-canvas-new", config.new)]);
  const { added, removed, changed } = config.diff;
  mark(before, removed.map((e) => e.element_id), "diff-removed");
  mark(after, added.map((e) => e.element_id), "diff-added");
  for (const viewer of [before, after]) mark(viewer, changed.map((e) => e.element_id), "diff-changed");
  const overlays = after.get("overlays");
  const registry = after.get("elementRegistry");
  for (const element of changed) {
    if (!registry.get(element.element_id)) continue;
    const badge = document.createElement("div");
    badge.className = "diff-badge";
    badge.textContent = `±${element.changes.length}`;
    badge.title = element.changes.map((c) => c.text).join("\n");
    overlays.add(element.element_id, "diff", { position: { top: -12, right: 12 }, html: badge });
  }
  for (const item of document.querySelectorAll("#diff-changes [data-element-id]")) {
    item.addEventListener("mouseenter", () => mark(after, [item.dataset.elementId], "langnghe-highlight"));
    item.addEventListener("mouseleave", () => after.get("canvas").removeMarker(item.dataset.elementId, "langnghe-highlight"));
  }
  ready([before, after]);
}

// ---- test run ----------------------------------------------------------------------------------------------

const STATUS = {
  running: t("đang chạy"),
  overdue: t("quá hạn"),
  on_time: t("xong đúng hạn"),
  late: t("xong trễ hạn"),
  fired: t("hẹn giờ đã chạy"),
};
const vn = (iso) => (iso ? iso.split("-").reverse().join("/") : "—");

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function fieldInput(field, errors) {
  const label = document.createElement("label");
  label.className = "sim-field";
  label.append(document.createTextNode(`${field.label}${field.required ? " *" : ""} `));
  let input;
  if (field.type === "choice") {
    input = document.createElement("select");
    input.append(new Option("—", ""));
    for (const [value, text] of field.choices) input.append(new Option(text, value));
  } else if (field.type === "bool") {
    input = document.createElement("input");
    input.type = "checkbox";
  } else if (field.type === "text") {
    input = document.createElement("textarea");
    input.rows = 2;
  } else {
    input = document.createElement("input");
    input.type = field.type === "date" ? "date" : field.type === "int" ? "number" : "text";
    if (field.type === "official") input.placeholder = t("tên đăng nhập của cán bộ");
    if (field.type === "unit") input.placeholder = t("mã đơn vị");
  }
  input.name = field.name;
  input.dataset.type = field.type;
  label.append(input);
  if (errors && errors[field.name]) {
    const error = document.createElement("span");
    error.className = "sim-field-error";
    error.textContent = errors[field.name];
    label.append(error);
  }
  return label;
}

function formData(form) {
  const data = {};
  for (const input of form.querySelectorAll("[name]")) {
    if (input.dataset.type === "bool") data[input.name] = input.checked;
    else if (input.value !== "") data[input.name] = input.value;
  }
  return data;
}

async function simulate() {
  const viewer = await show("#bpmn-canvas", config.xml);
  const scenario = { actions: [] };
  let marked = [];

  function paint(result) {
    const canvas = viewer.get("canvas");
    for (const [id, marker] of marked) if (viewer.get("elementRegistry").get(id)) canvas.removeMarker(id, marker);
    marked = [];
    for (const id of result.path) marked.push([id, "sim-done"]);
    for (const step of result.waiting) marked.push([step.element_id, "sim-waiting"]);
    if (result.error && result.error.element_id) marked.push([result.error.element_id, "langnghe-error"]);
    for (const [id, marker] of marked) mark(viewer, [id], marker);
  }

  function render(result, fieldErrors) {
    paint(result);
    $("#sim-today").textContent = result.completed
      ? t("— hôm nay (đồng hồ giả): {date} · hồ sơ đã kết thúc", { date: vn(result.today) })
      : t("— hôm nay (đồng hồ giả): {date}", { date: vn(result.today) });
    const path = $("#sim-path");
    path.replaceChildren(...result.path.map((id) => Object.assign(document.createElement("li"), { textContent: id })));
    const waiting = $("#sim-waiting");
    waiting.replaceChildren();
    for (const step of result.waiting) {
      const form = document.createElement("form");
      form.className = "sim-task";
      form.dataset.elementId = step.element_id;
      const title = document.createElement("h3");
      title.textContent = `${step.title} (${step.lane || "—"})`;
      const status = document.createElement("p");
      status.className = "small";
      status.textContent = step.public_status ? t("Người dân thấy: «{status}»", { status: step.public_status }) : "";
      form.append(title, status, ...step.fields.map((f) => fieldInput(f, fieldErrors && fieldErrors[step.element_id])));
      const submit = document.createElement("button");
      submit.type = "submit";
      submit.textContent = t("Hoàn thành bước này");
      form.append(submit);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        run({ kind: "complete", element_id: step.element_id, form: formData(form) });
      });
      waiting.append(form);
    }
    if (!result.waiting.length) waiting.textContent = result.completed ? t("Hồ sơ đã kết thúc.") : t("Không có bước nào chờ cán bộ (đang chờ hẹn giờ).");
    const body = $("#sim-deadlines tbody");
    body.replaceChildren(
      ...result.deadlines.map((d) => {
        const tr = document.createElement("tr");
        tr.className = d.status;
        tr.append(
          cell(d.title),
          cell(d.rule_code, "code"),
          cell(vn(d.start_date)),
          cell(vn(d.due_date)),
          cell(`${STATUS[d.status] || d.status}${d.closed_on ? ` (${vn(d.closed_on)})` : ""}`),
          cell(d.explanation, "small"),
        );
        return tr;
      }),
    );
    $("#sim-calls").replaceChildren(
      ...result.handler_calls.map((c) => {
        const li = document.createElement("li");
        const params = Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(", ");
        li.textContent = `${vn(c.day)} · ${c.element_id}: ${c.description || c.handler} («${c.handler}»${params ? `; ${params}` : ""})`;
        return li;
      }),
    );
    $("#sim-log").replaceChildren(
      ...result.log.map((line) => Object.assign(document.createElement("li"), { textContent: `${vn(line.day)} · ${line.text}` })),
    );
  }

  async function run(action) {
    const error = $("#sim-error");
    if (action) scenario.actions.push(action);
    try {
      const result = await api.post(config.api.simulate, {
        start_date: $("#sim-start-date").value,
        subject_type: $("#sim-subject").value,
        start_data: { publish_consent: $("#sim-consent").checked },
        actions: scenario.actions,
      });
      let fieldErrors = null;
      if (result.error) {
        if (action) scenario.actions.pop();
        error.hidden = false;
        error.textContent = `${result.error.element_id ? `${result.error.element_id}: ` : ""}${result.error.reason}`;
        fieldErrors = { [result.error.element_id]: result.error.field_errors };
      } else {
        error.hidden = true;
      }
      render(result, fieldErrors);
    } catch (failure) {
      if (action) scenario.actions.pop();
      error.hidden = false;
      error.textContent = failure instanceof ApiError ? failure.message : String(failure);
    }
  }

  $("#sim-start").addEventListener("submit", (event) => {
    event.preventDefault();
    scenario.actions = [];
    run();
  });
  $("#sim-wait").addEventListener("submit", (event) => {
    event.preventDefault();
    run({ kind: "wait", days: Number($("#sim-days").value) });
  });
  await run();
  ready([viewer]);
}

const modes = { view, diff, simulate };
(modes[config.mode] || view)().catch((error) => {
  document.body.dataset.bpmnReady = "error";
  const node = document.createElement("p");
  node.className = "message error";
  node.textContent = t("Không hiển thị được sơ đồ: {message}", { message: error.message });
  document.querySelector(".bpmn-wide, main").prepend(node);
});
