// Properties in Lắng Nghe's own terms, stored as SpiffWorkflow extension properties
// (<spiffworkflow:properties><spiffworkflow:property name=… value=…/>), which the engine reads as
// task_spec.extensions["properties"]:
//   user tasks: lane (role), public status, deadline rule, form fields (field:<name>), assignee, and with a
//               rule: reminder (remind_before, working days) and who is told when overdue (escalate_to)
//   timers:     deadline rule (and the timeDate expression "deadline_at" the validation requires)
//   service tasks: a named handler from the registry, with its parameters (whitelisted expressions)
//   gateways / flows: default branch, condition (builder or an expression checked by the server)
// Every change is ONE command ("properties-panel.multi-command-executor"), so one undo reverts it.
import { is, getBusinessObject } from "bpmn-js/lib/util/ModelUtil";
import { useService } from "bpmn-js-properties-panel";
import {
  CheckboxEntry,
  ListGroup,
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { jsx, jsxs } from "@bpmn-io/properties-panel/preact/jsx-runtime";
import { useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import { t } from "./common.js";

const PROPERTIES = "spiffworkflow:properties";
const PROPERTY = "spiffworkflow:property";
const OPERATOR = "spiffworkflow:serviceTaskOperator";
const KEPT_GROUPS = new Set(["general", "documentation"]);
const FIELD = "field:";
const TYPE_LABELS = {
  text: t("Đoạn văn"),
  string: t("Một dòng"),
  bool: t("Có/không"),
  int: t("Số nguyên"),
  date: t("Ngày"),
  choice: t("Lựa chọn"),
  unit: t("Đơn vị"),
  official: t("Cán bộ của đơn vị"),
};

// ---- reading and writing extension properties ------------------------------------------------------------

function extensionValues(bo) {
  return (bo.extensionElements && bo.extensionElements.values) || [];
}

export function readProperties(bo) {
  const container = extensionValues(bo).find((v) => v.$type === PROPERTIES);
  const result = {};
  for (const p of (container && container.properties) || []) result[p.name] = p.value || "";
  return result;
}

function update(element, moddleElement, properties) {
  return { cmd: "element.updateModdleProperties", context: { element, moddleElement, properties } };
}

/** Commands that set (or, for null/"", remove) several properties of one element. */
function propertyCommands(element, moddle, changes) {
  const bo = getBusinessObject(element);
  const commands = [];
  let extensionElements = bo.extensionElements;
  if (!extensionElements) {
    extensionElements = moddle.create("bpmn:ExtensionElements", { values: [] });
    extensionElements.$parent = bo;
    commands.push(update(element, bo, { extensionElements }));
  }
  let container = extensionValues(bo).find((v) => v.$type === PROPERTIES);
  if (!container) {
    container = moddle.create(PROPERTIES, { properties: [] });
    container.$parent = extensionElements;
    commands.push(update(element, extensionElements, { values: [...(extensionElements.values || []), container] }));
  }
  let list = [...(container.properties || [])];
  let listChanged = false;
  for (const [name, value] of Object.entries(changes)) {
    const existing = list.find((p) => p.name === name);
    if (value === null || value === undefined || value === "") {
      if (existing) {
        list = list.filter((p) => p !== existing);
        listChanged = true;
      }
    } else if (existing) {
      if (existing.value !== value) commands.push(update(element, existing, { value }));
    } else {
      const created = moddle.create(PROPERTY, { name, value });
      created.$parent = container;
      list.push(created);
      listChanged = true;
    }
  }
  if (listChanged) commands.push(update(element, container, { properties: list }));
  return commands;
}

function run(commandStack, commands) {
  if (commands.length) commandStack.execute("properties-panel.multi-command-executor", commands);
}

function useProperty(element, name) {
  const commandStack = useService("commandStack");
  const moddle = useService("moddle");
  return {
    get: () => readProperties(getBusinessObject(element))[name] || "",
    set: (value, extra = {}) =>
      run(commandStack, [...propertyCommands(element, moddle, { [name]: value }), ...(extra.commands || [])]),
    commandStack,
    moddle,
  };
}

// ---- entries ----------------------------------------------------------------------------------------------

function TextProperty({ element, id, name, label, description, validate }) {
  const debounce = useService("debounceInput");
  const translate = useService("translate");
  const property = useProperty(element, name);
  return jsx(TextFieldEntry, {
    element,
    id,
    label: translate(label),
    description,
    debounce,
    getValue: property.get,
    setValue: (value) => property.set(value),
    validate,
  });
}

function ruleLabel(rule) {
  const values = { code: rule.code, name: rule.name, days: rule.days };
  return rule.working ? t("{code} — {name} ({days} ngày làm việc)", values) : t("{code} — {name} ({days} ngày)", values);
}

function RuleEntry({ element, id, options }) {
  const property = useProperty(element, "deadline_rule");
  const elementRegistry = useService("elementRegistry");
  const code = property.get();
  const rule = options.rules.find((r) => r.code === code);
  const description = rule
    ? t("{citation}. Mặc định nhắc trước {days} ngày làm việc.", { citation: rule.citation, days: rule.remind_before_days })
    : code
      ? t("Không có quy tắc «{code}» trong bảng quy tắc thời hạn.", { code })
      : t("Không chọn: bước này không có thời hạn theo luật.");
  return jsx(SelectEntry, {
    element,
    id,
    label: t("Quy tắc thời hạn"),
    description,
    getValue: () => code,
    setValue: (value) => {
      const commands = timerExpressionCommands(element, property.moddle, value, elementRegistry);
      // Without a rule the reminder and escalation settings mean nothing (and are hidden): drop them too.
      if (!value) commands.push(...propertyCommands(element, property.moddle, { remind_before: null, escalate_to: null }));
      property.set(value, { commands });
    },
    getOptions: () => [
      { value: "", label: t("(không có thời hạn)") },
      ...options.rules.map((r) => ({ value: r.code, label: ruleLabel(r) })),
      ...(code && !rule ? [{ value: code, label: t("{code} (không có trong bảng)", { code }) }] : []),
    ],
  });
}

/** A timer that names a rule must say <bpmn:timeDate>deadline_at</bpmn:timeDate>: set it in the same command. */
function timerExpressionCommands(element, moddle, ruleCode) {
  const bo = getBusinessObject(element);
  const timer = (bo.eventDefinitions || []).find((d) => is(d, "bpmn:TimerEventDefinition"));
  if (!timer || !ruleCode) return [];
  const current = timer.timeDate && timer.timeDate.body;
  if (current === "deadline_at" && !timer.timeDuration && !timer.timeCycle) return [];
  const timeDate = moddle.create("bpmn:FormalExpression", { body: "deadline_at" });
  timeDate.$parent = timer;
  return [update(element, timer, { timeDate, timeDuration: undefined, timeCycle: undefined })];
}

/** Working days before the due date to remind the assignee; empty = the rule's own number. */
export function remindBeforeCheck(value) {
  if (!value) return null;
  return /^\d{1,2}$/.test(value) && Number(value) <= 30 ? null : t("Số ngày làm việc từ 0 đến 30 (để trống: theo quy tắc).");
}

function RemindBeforeEntry({ element, id, options }) {
  const debounce = useService("debounceInput");
  const property = useProperty(element, "remind_before");
  const rule = options.rules.find((r) => r.code === readProperties(getBusinessObject(element)).deadline_rule);
  const fallback = rule ? `${rule.remind_before_days}` : "";
  return jsx(TextFieldEntry, {
    element,
    id,
    label: t("Nhắc trước (ngày làm việc)"),
    description: rule
      ? t("Để trống: theo quy tắc, nhắc trước {days} ngày làm việc. 0: nhắc vào ngày đến hạn.", { days: fallback })
      : t("Để trống: theo quy tắc thời hạn."),
    placeholder: fallback,
    debounce,
    getValue: property.get,
    setValue: (value) => {
      const trimmed = (value || "").trim();
      if (!remindBeforeCheck(trimmed)) property.set(trimmed);
    },
    validate: (value) => remindBeforeCheck((value || "").trim()),
  });
}

function EscalateEntry({ element, id }) {
  const property = useProperty(element, "escalate_to");
  return jsx(SelectEntry, {
    element,
    id,
    label: t("Khi quá hạn báo"),
    description: t("Quá hạn nhiều (thêm vài ngày làm việc) thì luôn báo lãnh đạo cấp trên."),
    getValue: () => property.get() || "unit_leader",
    setValue: (value) => property.set(value === "unit_leader" ? "" : value),
    getOptions: () => [
      { value: "unit_leader", label: t("Lãnh đạo đơn vị") },
      { value: "parent_leader", label: t("Lãnh đạo cấp trên") },
    ],
  });
}

function StartEntry({ element, id }) {
  const property = useProperty(element, "deadline_start");
  return jsx(SelectEntry, {
    element,
    id,
    label: t("Tính hạn từ"),
    getValue: () => property.get() || "task",
    setValue: (value) => property.set(value === "task" ? "" : value),
    getOptions: () => [
      { value: "task", label: t("ngày bắt đầu bước này") },
      { value: "case", label: t("ngày nhận đơn") },
    ],
  });
}

function lanesOf(element) {
  let bo = getBusinessObject(element);
  while (bo && !is(bo, "bpmn:Process")) {
    if (is(bo, "bpmn:Participant")) {
      bo = bo.processRef;
      break;
    }
    bo = bo.$parent;
  }
  const lanes = [];
  const collect = (set) =>
    ((set && set.lanes) || []).forEach((lane) => {
      lanes.push(lane);
      collect(lane.childLaneSet);
    });
  ((bo && bo.laneSets) || []).forEach(collect);
  return lanes;
}

function LaneEntry({ element, id, options }) {
  const commandStack = useService("commandStack");
  const elementRegistry = useService("elementRegistry");
  const bo = getBusinessObject(element);
  const lanes = lanesOf(element);
  const current = lanes.find((lane) => (lane.flowNodeRef || []).includes(bo));
  const roleOf = (lane) => options.roles.find((r) => [r.value, r.label.toLowerCase()].includes((lane.name || "").trim().toLowerCase()));
  return jsx(SelectEntry, {
    element,
    id,
    label: t("Làn (vai trò xử lý)"),
    description: current && !roleOf(current) ? t("Làn «{name}» không ứng với vai trò nào.", { name: current.name }) : t("Người có vai trò này trong đơn vị sẽ thấy bước trong hộp việc."),
    getValue: () => (current ? current.id : ""),
    setValue: (laneId) => {
      const target = lanes.find((lane) => lane.id === laneId);
      const laneShape = target && elementRegistry.get(laneId);
      if (laneShape && element.y !== undefined) {
        // The lane is drawn: move the step into its band; bpmn-js updates the lane's flowNodeRef itself.
        const dy = laneShape.y + laneShape.height / 2 - (element.y + element.height / 2);
        commandStack.execute("properties-panel.multi-command-executor", [
          { cmd: "elements.move", context: { shapes: [element], delta: { x: 0, y: dy }, newParent: element.parent, hints: {} } },
        ]);
        return;
      }
      const commands = [];
      if (current) commands.push(update(element, current, { flowNodeRef: current.flowNodeRef.filter((n) => n !== bo) }));
      if (target) commands.push(update(element, target, { flowNodeRef: [...(target.flowNodeRef || []), bo] }));
      run(commandStack, commands);
    },
    getOptions: () => [
      ...(current ? [] : [{ value: "", label: t("(chưa thuộc làn nào)") }]),
      ...lanes.map((lane) => {
        const role = roleOf(lane);
        return { value: lane.id, label: role ? lane.name : t("{name} (không phải vai trò)", { name: lane.name || lane.id }) };
      }),
    ],
  });
}

function identifier(value) {
  return value && !/^[A-Za-z][A-Za-z0-9_]*$/.test(value) ? t("Chỉ gồm chữ không dấu, số và _, bắt đầu bằng chữ.") : null;
}

// ---- form fields ------------------------------------------------------------------------------------------

export function parseField(spec) {
  const parts = (spec || "").split(";").map((p) => p.trim()).filter(Boolean);
  const [typeSpec = "string", ...options] = parts;
  const [type, choices = ""] = typeSpec.split(/:(.*)/s);
  const field = { type, choices, required: false, label: "", requiredIf: "", extra: [] };
  for (const option of options) {
    const [key, ...rest] = option.split("=");
    const value = rest.join("=").trim();
    if (key.trim() === "required") field.required = true;
    else if (key.trim() === "label") field.label = value;
    else if (key.trim() === "required_if") field.requiredIf = value;
    else field.extra.push(option);
  }
  return field;
}

export function formatField(field) {
  const parts = [field.type === "choice" ? `choice:${field.choices}` : field.type];
  if (field.required) parts.push("required");
  if (field.requiredIf) parts.push(`required_if=${field.requiredIf}`);
  if (field.label) parts.push(`label=${field.label}`);
  return [...parts, ...field.extra].join("; ");
}

const FIELD_LABELS = {
  label: [t("Nhãn hiển thị"), null],
  choices: [t("Các lựa chọn (giá_trị=Nhãn|…)"), t("Ví dụ: accept=Thụ lý|reject=Từ chối")],
  requiredIf: [t("Bắt buộc khi (trường=giá_trị)"), t("Ví dụ: decision=reject")],
};

function FieldPartEntry({ element, id, name, part }) {
  const debounce = useService("debounceInput");
  const key = `${FIELD}${name}`;
  const property = useProperty(element, key);
  const field = parseField(property.get());
  const setPart = (value) => property.set(formatField({ ...field, [part]: value }));
  if (part === "name") {
    return jsx(TextFieldEntry, {
      element,
      id,
      label: t("Tên trường (dữ liệu)"),
      debounce,
      getValue: () => name,
      validate: (value) =>
        identifier(value) ||
        (value !== name && readProperties(getBusinessObject(element))[`${FIELD}${value}`] !== undefined ? t("Đã có trường này.") : null),
      setValue: (value) => {
        if (!value || identifier(value) || value === name) return;
        run(property.commandStack, propertyCommands(element, property.moddle, { [key]: null, [`${FIELD}${value}`]: property.get() }));
      },
    });
  }
  if (part === "type") {
    return jsx(SelectEntry, {
      element,
      id,
      label: t("Kiểu"),
      getValue: () => field.type,
      setValue: setPart,
      getOptions: () => Object.entries(TYPE_LABELS).map(([value, label]) => ({ value, label })),
    });
  }
  if (part === "required") {
    return jsx(CheckboxEntry, { element, id, label: t("Bắt buộc"), getValue: () => field.required, setValue: setPart });
  }
  if (part === "choices" && field.type !== "choice") return null;
  return jsx(TextFieldEntry, {
    element,
    id,
    label: FIELD_LABELS[part][0],
    description: FIELD_LABELS[part][1],
    debounce,
    getValue: () => field[part],
    setValue: setPart,
  });
}

function fieldEntries(element, name) {
  return ["name", "type", "label", "required", "choices", "requiredIf"].map((part) => ({
    id: `langnghe-field-${name}-${part}`,
    component: FieldPartEntry,
    name,
    part,
    element,
  }));
}

function formGroup(element, injector) {
  const commandStack = injector.get("commandStack");
  const moddle = injector.get("moddle");
  const properties = readProperties(getBusinessObject(element));
  const names = Object.keys(properties).filter((k) => k.startsWith(FIELD)).map((k) => k.slice(FIELD.length));
  return {
    id: "langnghe-form",
    label: t("Biểu mẫu của bước"),
    component: ListGroup,
    element,
    items: names.map((name) => {
      const field = parseField(properties[`${FIELD}${name}`]);
      return {
        id: `langnghe-field-${name}`,
        label: field.required
          ? t("{label} ({type}, bắt buộc)", { label: field.label || name, type: TYPE_LABELS[field.type] || field.type })
          : t("{label} ({type})", { label: field.label || name, type: TYPE_LABELS[field.type] || field.type }),
        entries: fieldEntries(element, name),
        autoFocusEntry: `langnghe-field-${name}-label`,
        remove: () => run(commandStack, propertyCommands(element, moddle, { [`${FIELD}${name}`]: null })),
      };
    }),
    add: (event) => {
      event.stopPropagation();
      let n = 1;
      while (properties[`${FIELD}truong_${n}`] !== undefined) n += 1;
      run(commandStack, propertyCommands(element, moddle, { [`${FIELD}truong_${n}`]: `string; label=${t("Trường mới")}` }));
    },
  };
}

// ---- service tasks ----------------------------------------------------------------------------------------

function operatorOf(bo) {
  return extensionValues(bo).find((v) => v.$type === OPERATOR);
}

function HandlerEntry({ element, id, options }) {
  const commandStack = useService("commandStack");
  const moddle = useService("moddle");
  const bo = getBusinessObject(element);
  const operator = operatorOf(bo);
  const current = operator ? operator.id : "";
  const handler = options.handlers.find((h) => h.name === current);
  return jsx(SelectEntry, {
    element,
    id,
    label: t("Xử lý tự động"),
    description: handler ? handler.description : current ? t("Không có xử lý «{name}».", { name: current }) : t("Chọn một xử lý có sẵn; quy trình không chứa mã lệnh."),
    getValue: () => current,
    setValue: (name) => {
      const chosen = options.handlers.find((h) => h.name === name);
      const commands = [];
      let extensionElements = bo.extensionElements;
      if (!extensionElements) {
        extensionElements = moddle.create("bpmn:ExtensionElements", { values: [] });
        extensionElements.$parent = bo;
        commands.push(update(element, bo, { extensionElements }));
      }
      const others = (extensionElements.values || []).filter((v) => v.$type !== OPERATOR);
      if (chosen) {
        const previous = operator && operator.parameters ? operator.parameters.parameters || [] : [];
        const parameters = moddle.create("spiffworkflow:parameters", { parameters: [] });
        parameters.parameters = chosen.params.map((param) => {
          const kept = previous.find((p) => p.id === param);
          const created = moddle.create("spiffworkflow:parameter", { id: param, type: "str", value: kept ? kept.value : param });
          created.$parent = parameters;
          return created;
        });
        const created = moddle.create(OPERATOR, { id: chosen.name, parameters });
        parameters.$parent = created;
        created.$parent = extensionElements;
        commands.push(update(element, extensionElements, { values: [...others, created] }));
      } else {
        commands.push(update(element, extensionElements, { values: others }));
      }
      run(commandStack, commands);
    },
    getOptions: () => [
      { value: "", label: t("(chưa chọn)") },
      ...options.handlers.map((h) => ({ value: h.name, label: `${h.description || h.name} — ${h.name}` })),
    ],
  });
}

function ParameterEntry({ element, id, param }) {
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  const operator = operatorOf(getBusinessObject(element));
  const parameter = operator && operator.parameters && (operator.parameters.parameters || []).find((p) => p.id === param);
  return jsx(TextFieldEntry, {
    element,
    id,
    label: t("Tham số «{name}» (biểu thức)", { name: param }),
    description: t("Tên một dữ liệu của hồ sơ, ví dụ transfer_to"),
    debounce,
    getValue: () => (parameter ? parameter.value : ""),
    validate: quickExpressionCheck,
    setValue: (value) => parameter && run(commandStack, [update(element, parameter, { value })]),
  });
}

// ---- conditions -------------------------------------------------------------------------------------------

/** A first, local check; the server's whitelist (`workflows.expressions`) decides, on save and below. */
export function quickExpressionCheck(value) {
  if (!value || !value.trim()) return t("Biểu thức trống.");
  if (/__/.test(value)) return t("Không được dùng tên bắt đầu bằng __.");
  if (/\b(import|lambda|exec|eval|open|getattr|globals|locals)\b/.test(value)) return t("Không được gọi hàm hay lệnh này.");
  if (/[A-Za-z_)\]]\s*\.\s*[A-Za-z_]/.test(value.replace(/"[^"]*"|'[^']*'/g, '""'))) return "Không được truy cập thuộc tính (dấu chấm).";
  return null;
}

function dataFields(element, options) {
  const root = element.businessObject.$parent;
  const fields = new Map(options.start_data.map((name) => [name, { name, choices: [] }]));
  const visit = (container) =>
    (container.flowElements || []).forEach((node) => {
      if (node.flowElements) visit(node);
      for (const [key, value] of Object.entries(readProperties(node))) {
        if (!key.startsWith(FIELD)) continue;
        const field = parseField(value);
        const choices = field.type === "choice" ? field.choices.split("|").map((c) => c.split("=")[0].trim()).filter(Boolean) : [];
        fields.set(key.slice(FIELD.length), { name: key.slice(FIELD.length), type: field.type, choices });
      }
    });
  if (root) visit(root);
  return [...fields.values()];
}

function ConditionEntry({ element, id, options, api }) {
  const commandStack = useService("commandStack");
  const moddle = useService("moddle");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  const expression = (bo.conditionExpression && bo.conditionExpression.body) || "";
  const [server, setServer] = useState({ checked: "", error: "" });
  const fields = dataFields(element, options);
  const [builder, setBuilder] = useState({ field: fields[0] ? fields[0].name : "", op: "==", value: "" });
  useEffect(() => {
    if (!expression || server.checked === expression || !api.expression) return undefined;
    const timer = setTimeout(() => {
      api
        .post(api.expression, { expression })
        .then((result) => setServer({ checked: expression, error: result.ok ? "" : result.error }))
        .catch(() => {});
    }, 300);
    return () => clearTimeout(timer);
  }, [expression]);
  const setExpression = (body) => {
    const conditionExpression = body ? moddle.create("bpmn:FormalExpression", { body }) : undefined;
    if (conditionExpression) conditionExpression.$parent = bo;
    run(commandStack, [update(element, bo, { conditionExpression })]);
  };
  const chosen = fields.find((f) => f.name === builder.field);
  const literal = (value) => (/^-?\d+$/.test(value) || value === "True" || value === "False" ? value : JSON.stringify(value));
  return jsxs("div", {
    class: "langnghe-condition",
    children: [
      jsx(TextAreaEntry, {
        element,
        id,
        label: t("Điều kiện (biểu thức)"),
        description: t("So sánh dữ liệu của hồ sơ, ví dụ decision == \"accept\". Không có mã lệnh, không dấu chấm, không __."),
        debounce,
        rows: 2,
        monospace: true,
        getValue: () => expression,
        setValue: (value) => setExpression((value || "").trim()),
        validate: (value) => (value ? quickExpressionCheck(value) : null),
      }),
      expression && server.checked === expression
        ? jsx("p", { class: server.error ? "langnghe-check error" : "langnghe-check ok", children: server.error ? t("Máy chủ: {message}", { message: server.error }) : t("Máy chủ: biểu thức hợp lệ.") })
        : null,
      jsxs("fieldset", {
        class: "langnghe-builder",
        children: [
          jsx("legend", { children: t("Tạo điều kiện") }),
          jsx("select", {
            "aria-label": t("Trường dữ liệu"),
            value: builder.field,
            onChange: (e) => setBuilder({ ...builder, field: e.target.value }),
            children: fields.map((f) => jsx("option", { value: f.name, children: f.name })),
          }),
          jsx("select", {
            "aria-label": t("Phép so sánh"),
            value: builder.op,
            onChange: (e) => setBuilder({ ...builder, op: e.target.value }),
            children: ["==", "!=", ">", ">=", "<", "<=", "is true", "is false"].map((op) => jsx("option", { value: op, children: op })),
          }),
          builder.op.startsWith("is ")
            ? null
            : chosen && chosen.choices.length
              ? jsx("select", {
                  "aria-label": t("Giá trị"),
                  value: builder.value,
                  onChange: (e) => setBuilder({ ...builder, value: e.target.value }),
                  children: [jsx("option", { value: "", children: "—" }), ...chosen.choices.map((c) => jsx("option", { value: c, children: c }))],
                })
              : jsx("input", { "aria-label": t("Giá trị"), value: builder.value, onInput: (e) => setBuilder({ ...builder, value: e.target.value }) }),
          jsx("button", {
            type: "button",
            class: "langnghe-apply",
            onClick: () => {
              if (!builder.field) return;
              if (builder.op === "is true") setExpression(builder.field);
              else if (builder.op === "is false") setExpression(`not ${builder.field}`);
              else setExpression(`${builder.field} ${builder.op} ${literal(builder.value)}`);
            },
            children: t("Áp dụng"),
          }),
        ],
      }),
    ],
  });
}

function DefaultFlowEntry({ element, id }) {
  const commandStack = useService("commandStack");
  const bo = getBusinessObject(element);
  const outgoing = bo.outgoing || [];
  return jsx(SelectEntry, {
    element,
    id,
    label: t("Nhánh mặc định (khi không điều kiện nào đúng)"),
    getValue: () => (bo.default ? bo.default.id : ""),
    setValue: (flowId) => {
      const flow = outgoing.find((f) => f.id === flowId);
      const commands = [update(element, bo, { default: flow })];
      if (flow && flow.conditionExpression) commands.push(update(element, flow, { conditionExpression: undefined }));
      run(commandStack, commands);
    },
    getOptions: () => [{ value: "", label: t("(không có)") }, ...outgoing.map((f) => ({ value: f.id, label: f.name || f.id }))],
  });
}

// ---- the provider -----------------------------------------------------------------------------------------

function isTimerEvent(element) {
  const bo = getBusinessObject(element);
  return is(bo, "bpmn:Event") && (bo.eventDefinitions || []).some((d) => is(d, "bpmn:TimerEventDefinition"));
}

function isConditionalFlow(element) {
  const bo = getBusinessObject(element);
  if (!is(bo, "bpmn:SequenceFlow")) return false;
  const source = bo.sourceRef;
  return (is(source, "bpmn:ExclusiveGateway") || is(source, "bpmn:InclusiveGateway")) && source.default !== bo;
}

export default function LangNgheProperties(propertiesPanel, injector, config) {
  const options = config.options;
  const api = config.api;
  this.getGroups = (element) => (groups) => {
    const kept = groups.filter((group) => KEPT_GROUPS.has(group.id));
    const bo = getBusinessObject(element);
    const entries = [];
    if (is(bo, "bpmn:UserTask")) {
      entries.push(
        { id: "langnghe-lane", component: LaneEntry, options, element, isEdited: isSelectEntryEdited },
        {
          id: "langnghe-public-status",
          component: TextProperty,
          name: "public_status",
          label: t("Trạng thái cho người dân"),
          description: t("Người gửi đơn thấy câu này khi tra cứu, ví dụ «Đang phân loại đơn»."),
          element,
          isEdited: isTextFieldEntryEdited,
        },
        {
          id: "langnghe-public-done",
          component: TextProperty,
          name: "public_done",
          label: t("Thông báo công khai khi xong (không bắt buộc)"),
          element,
        },
        { id: "langnghe-rule", component: RuleEntry, options, element, isEdited: isSelectEntryEdited },
        { id: "langnghe-start", component: StartEntry, element },
        ...(readProperties(bo).deadline_rule
          ? [
              { id: "langnghe-remind-before", component: RemindBeforeEntry, options, element, isEdited: isTextFieldEntryEdited },
              { id: "langnghe-escalate-to", component: EscalateEntry, element },
            ]
          : []),
        {
          id: "langnghe-assignee",
          component: TextProperty,
          name: "assignee",
          label: t("Giao cho cán bộ ghi ở trường"),
          description: t("Tên một trường kiểu «Cán bộ» của bước trước, ví dụ handler."),
          validate: identifier,
          element,
        },
      );
    } else if (isTimerEvent(element)) {
      entries.push(
        { id: "langnghe-rule", component: RuleEntry, options, element, isEdited: isSelectEntryEdited },
        { id: "langnghe-start", component: StartEntry, element },
      );
    } else if (is(bo, "bpmn:ServiceTask")) {
      entries.push({ id: "langnghe-handler", component: HandlerEntry, options, element, isEdited: isSelectEntryEdited });
      const operator = operatorOf(bo);
      const handler = operator && options.handlers.find((h) => h.name === operator.id);
      for (const param of (handler && handler.params) || []) {
        entries.push({ id: `langnghe-param-${param}`, component: ParameterEntry, param, element });
      }
    } else if (is(bo, "bpmn:ExclusiveGateway") || is(bo, "bpmn:InclusiveGateway")) {
      entries.push({ id: "langnghe-default", component: DefaultFlowEntry, element });
    } else if (isConditionalFlow(element)) {
      entries.push({ id: "langnghe-condition", component: ConditionEntry, options, api, element });
    }
    const result = [];
    if (entries.length) result.push({ id: "langnghe", label: "Lắng Nghe", entries });
    if (is(bo, "bpmn:UserTask")) result.push(formGroup(element, injector));
    return [...kept.slice(0, 1), ...result, ...kept.slice(1)];
  };
  propertiesPanel.registerProvider(500, this);
}

LangNgheProperties.$inject = ["propertiesPanel", "injector", "config.langnghe"];

export const LangNghePropertiesModule = {
  __init__: ["langNgheProperties"],
  langNgheProperties: ["type", LangNgheProperties],
};
