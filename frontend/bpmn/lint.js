// Client-side lint while the user edits: bpmnlint's recommended rules plus Lắng Nghe's own rules.
//
// bpmnlint resolves rules through a resolver; the bundle has no file system, so a static one maps each rule
// name to its module (the job `bpmnlint-pack-config` does, without a separate packing step in the build).
// The server's validation (`workflows.validation.validate`) stays the authority; these rules only warn early.
import recommendedConfig from "bpmnlint/config/recommended";
import { is } from "bpmnlint-utils";

import { t } from "./common.js";
import { RECOMMENDED_RULES } from "./lint-recommended.js";

function properties(node) {
  const values = (node.extensionElements && node.extensionElements.values) || [];
  const found = {};
  for (const value of values) {
    // With our moddle descriptor: typed `properties`; parsed without it (the CLI): generic `$children`.
    const items = value.$type === "spiffworkflow:properties" ? value.properties || [] : value.$children || [];
    for (const item of items) {
      const name = item.name || (item.$attrs && item.$attrs.name);
      const val = item.value !== undefined ? item.value : item.$attrs && item.$attrs.value;
      if (name) found[name] = val || "";
    }
  }
  return found;
}

function serviceHandler(node) {
  const values = (node.extensionElements && node.extensionElements.values) || [];
  const operator = values.find((v) => v.$type === "spiffworkflow:serviceTaskOperator");
  return operator && operator.id;
}

const userTaskPublicStatus = () => ({
  check(node, reporter) {
    if (is(node, "bpmn:UserTask") && !properties(node).public_status) {
      reporter.report(node.id, t("Thiếu «trạng thái cho người dân» (public_status)"));
    }
  },
});

const noScriptTask = () => ({
  check(node, reporter) {
    if (is(node, "bpmn:ScriptTask")) reporter.report(node.id, t("Quy trình không được chứa mã lệnh (bước script)"));
  },
});

const serviceTaskHandler = () => ({
  check(node, reporter) {
    if (is(node, "bpmn:ServiceTask") && !serviceHandler(node)) {
      reporter.report(node.id, t("Bước tự động phải chọn một xử lý có sẵn"));
    }
  },
});

const timerDeadlineRule = () => ({
  check(node, reporter) {
    const timer = (node.eventDefinitions || []).find((d) => is(d, "bpmn:TimerEventDefinition"));
    if (timer && !properties(node).deadline_rule) {
      reporter.report(node.id, t("Hẹn giờ phải chọn quy tắc thời hạn"));
    }
  },
});

const LOCAL_RULES = {
  "user-task-public-status": userTaskPublicStatus,
  "no-script-task": noScriptTask,
  "service-task-handler": serviceTaskHandler,
  "timer-deadline-rule": timerDeadlineRule,
};

const resolver = {
  resolveRule(pkg, ruleName) {
    const rule = pkg === "bpmnlint" ? RECOMMENDED_RULES[ruleName] : pkg === "bpmnlint-plugin-langnghe" ? LOCAL_RULES[ruleName] : null;
    if (!rule) throw new Error(`unknown rule <${pkg}/${ruleName}>`);
    return rule;
  },
  resolveConfig(pkg, configName) {
    throw new Error(`unknown config <${pkg}/${configName}>`);
  },
};

const rules = { ...recommendedConfig.rules };
for (const name of Object.keys(LOCAL_RULES)) rules[`langnghe/${name}`] = "error";

export const lintConfig = { config: { rules }, resolver };
