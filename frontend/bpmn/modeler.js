// Entry point of static/dist/bpmn-modeler.js: the process modeler for legal staff (read-only for other officials).
//
// Opens a draft (laying it out first if it has no diagram), edits it with the properties panel in Lắng Nghe's
// terms, lints as the user edits, saves with the content hash it was based on (a stale save is refused with
// 409 and the user's work stays in the editor), autosaves, and marks the server's validation errors on their
// elements. The bpmn.io watermark stays visible (bpmn-js licence).
import Modeler from "bpmn-js/lib/Modeler";
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import lintModule from "bpmn-js-bpmnlint";

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";
import "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css";
import "./bpmn.css";

import spiffworkflow from "./spiffworkflow.json";
import { ApiError, api, drawable, markErrors, pageConfig, renderErrorList, t } from "./common.js";
import { lintConfig } from "./lint.js";
import { LangNghePropertiesModule } from "./properties.js";
import { RestrictionsModule } from "./restrictions.js";
import { TranslateModule } from "./translate.js";

const started = performance.now();
const config = pageConfig();
const editable = config.mode === "edit";
const $ = (selector) => document.querySelector(selector);

const state = {
  sha256: config.draft.sha256,
  dirty: false,
  saving: false,
  stale: false,
  marked: [],
  autosaveTimer: null,
};

const modeler = editable
  ? new Modeler({
      container: "#bpmn-canvas",
      propertiesPanel: { parent: "#bpmn-properties" },
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        LangNghePropertiesModule,
        RestrictionsModule,
        TranslateModule,
        lintModule,
      ],
      moddleExtensions: { spiffworkflow },
      linting: { bpmnlint: lintConfig, active: true },
      langnghe: { options: config.options, api: { ...config.api, post: api.post } },
    })
  : new NavigatedViewer({
      container: "#bpmn-canvas",
      additionalModules: [TranslateModule],
      moddleExtensions: { spiffworkflow },
    });

function setStatus(text, kind = "") {
  const node = $("#save-status");
  if (!node) return;
  node.textContent = text;
  node.className = `small save-status ${kind}`;
  node.dataset.kind = kind;
}

function showErrors(errors) {
  state.marked = markErrors(modeler, errors, state.marked);
  renderErrorList($("#validation-errors"), $("#validation-summary"), errors, (id) => {
    const element = id && modeler.get("elementRegistry").get(id);
    if (!element) return;
    if (editable) modeler.get("selection").select(element);
    modeler.get("canvas").scrollToElement(element);
  });
}

async function currentXml() {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

async function save({ autosave = false } = {}) {
  if (!editable || state.saving || state.stale) return false;
  state.saving = true;
  clearTimeout(state.autosaveTimer);
  setStatus(autosave ? t("Đang tự động lưu…") : t("Đang lưu…"), "busy");
  try {
    const xml = await currentXml();
    const result = await api.put(config.api.save, { xml, base_sha256: state.sha256, autosave });
    state.sha256 = result.sha256;
    state.dirty = false;
    const time = new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    setStatus(
      `${autosave ? t("Đã tự động lưu lúc {time}", { time }) : t("Đã lưu lúc {time}", { time })} · ${
        result.errors.length ? t("{count} lỗi cần sửa", { count: result.errors.length }) : t("hợp lệ")
      }`,
      result.errors.length ? "warning" : "ok",
    );
    showErrors(result.errors);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      state.stale = true;
      setStatus(
        t("{message} Thay đổi của bạn vẫn còn trong trình soạn thảo: hãy tải xuống bản của bạn trước khi tải lại.", {
          message: error.message,
        }),
        "error conflict",
      );
      offerDownload();
    } else if (error instanceof ApiError && error.body && error.body.errors) {
      setStatus(error.message, "error");
      showErrors(error.body.errors);
    } else {
      setStatus(t("Chưa lưu được: {message}. Thay đổi vẫn còn trong trình soạn thảo.", { message: error.message }), "error");
    }
    return false;
  } finally {
    state.saving = false;
  }
}

function offerDownload() {
  if ($("#btn-download")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.id = "btn-download";
  button.className = "secondary";
  button.textContent = t("Tải xuống bản của tôi (.bpmn)");
  button.addEventListener("click", async () => {
    const blob = new Blob([await currentXml()], { type: "application/xml" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${config.draft.process_key}-du-thao-${config.draft.id}.bpmn`;
    link.click();
    URL.revokeObjectURL(link.href);
  });
  const reload = document.createElement("button");
  reload.type = "button";
  reload.className = "secondary";
  reload.textContent = t("Tải lại bản mới nhất");
  reload.addEventListener("click", () => {
    state.dirty = false;
    window.location.reload();
  });
  $(".bpmn-toolbar").append(button, reload);
}

function scheduleAutosave() {
  clearTimeout(state.autosaveTimer);
  const box = $("#autosave");
  if (!box || !box.checked || state.stale) return;
  state.autosaveTimer = setTimeout(() => save({ autosave: true }), (config.autosave_seconds || 20) * 1000);
}

async function validateOnServer() {
  try {
    const result = await api.post(config.api.validate, { xml: await currentXml() });
    showErrors(result.errors);
  } catch (error) {
    setStatus(t("Không kiểm tra được trên máy chủ: {message}", { message: error.message }), "error");
  }
}

function wireToolbar() {
  if (!editable) return;
  $("#btn-save").addEventListener("click", () => save());
  $("#btn-undo").addEventListener("click", () => modeler.get("commandStack").undo());
  $("#btn-redo").addEventListener("click", () => modeler.get("commandStack").redo());
  $("#autosave").addEventListener("change", scheduleAutosave);
  modeler.on("commandStack.changed", () => {
    state.dirty = true;
    if (!state.stale) setStatus(t("Có thay đổi chưa lưu"), "dirty");
    scheduleAutosave();
  });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save();
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (state.dirty) event.preventDefault();
  });
}

function wireLifecycle() {
  for (const button of document.querySelectorAll("[data-action]")) {
    button.addEventListener("click", async () => {
      const message = $("#lifecycle-message");
      const body = {};
      if (button.dataset.note) body.note = ($(button.dataset.note) || {}).value || "";
      if (button.dataset.effective) body.effective_from = ($(button.dataset.effective) || {}).value || "";
      button.disabled = true;
      try {
        if (state.dirty && !(await save())) throw new Error(t("Chưa lưu được bản dự thảo."));
        await api.post(button.dataset.action, body);
        state.dirty = false;
        window.location.reload();
      } catch (error) {
        message.textContent = error.message;
        message.className = "message error";
        if (error instanceof ApiError && error.body && error.body.errors) showErrors(error.body.errors);
      } finally {
        button.disabled = false;
      }
    });
  }
}

async function open() {
  try {
    const { xml, laidOut } = await drawable(config.xml);
    const { warnings } = await modeler.importXML(xml);
    modeler.get("canvas").zoom("fit-viewport", "auto");
    if (laidOut && editable) setStatus(t("Sơ đồ chưa có bố cục nên đã được dàn trang tự động; bố cục được lưu cùng lần lưu tới."), "info");
    else if (warnings.length) setStatus(t("Mở được sơ đồ, có {count} cảnh báo khi đọc.", { count: warnings.length }), "warning");
    document.body.dataset.bpmnReady = "1";
    window.__bpmn = { modeler, state, save, readyMs: performance.now() - started };
    await validateOnServer();
    document.body.dataset.bpmnValidated = "1";
  } catch (error) {
    setStatus(t("Không mở được sơ đồ: {message}", { message: error.message }), "error");
    document.body.dataset.bpmnReady = "error";
  }
}

wireToolbar();
wireLifecycle();
open();
