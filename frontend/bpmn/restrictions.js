// What the modeler does not offer: script tasks, business rule tasks and call activities (free code, or
// code by another name). The server refuses scripts anyway (`workflows.validation`).
const FORBIDDEN = /script-task|rule-task|call-activity|business-rule/;

function Restrictions(popupMenu) {
  const filter = (entries) => {
    for (const key of Object.keys(entries)) {
      if (FORBIDDEN.test(key)) delete entries[key];
    }
    return entries;
  };
  const provider = { getPopupMenuEntries: () => filter, getPopupMenuHeaderEntries: () => (entries) => entries };
  for (const menu of ["bpmn-replace", "bpmn-create", "bpmn-append"]) popupMenu.registerProvider(menu, 100, provider);
}

Restrictions.$inject = ["popupMenu"];

export const RestrictionsModule = { __init__: ["langNgheRestrictions"], langNgheRestrictions: ["type", Restrictions] };
