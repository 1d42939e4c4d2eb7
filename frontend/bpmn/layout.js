// Diagram interchange (DI) for processes that have none: the shipped .bpmn files are semantics only.
//
// bpmn-auto-layout places the flow nodes of the first process but draws no pool or lanes, and lanes are the
// roles of a Lắng Nghe process. So its columns are kept, each node is moved into the band of its lane (rows
// inside a lane where nodes of one column would overlap), the pool and lane shapes are added, and the
// sequence flows are routed again between the new positions. The semantic model is not changed.
import { layoutProcess } from "bpmn-auto-layout";
import { BpmnModdle } from "bpmn-moddle";

import spiffworkflow from "./spiffworkflow.json";

const ROW = 120; // vertical pitch of rows inside a lane
const LANE_PADDING = 20;
const POOL_HEADER = 30;
const LANE_HEADER = 30;
const MARGIN = 40;

/** True when the XML already has a drawn diagram (at least one shape). */
export function hasDiagram(xml) {
  return /<([\w-]+:)?BPMNShape[\s>]/.test(xml);
}

function bounds(shape) {
  return shape.bounds;
}

function mid(b) {
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

function isType(element, type) {
  return element && element.$type === type;
}

function isGateway(element) {
  return element && /Gateway$/.test(element.$type);
}

function point(moddle, x, y) {
  return moddle.create("dc:Point", { x: Math.round(x), y: Math.round(y) });
}

function route(moddle, source, target, sourceElement, targetElement) {
  const s = bounds(source);
  const t = bounds(target);
  const sm = mid(s);
  const tm = mid(t);
  let points;
  if (isType(sourceElement, "bpmn:BoundaryEvent")) {
    const startY = s.y + s.height;
    if (t.x > sm.x) {
      points = [[sm.x, startY], [sm.x, tm.y], [t.x, tm.y]];
      if (Math.abs(tm.y - startY) < 10) points = [[sm.x, startY], [sm.x, startY + 30], [t.x - 20, startY + 30], [t.x - 20, tm.y], [t.x, tm.y]];
    } else {
      const below = Math.max(startY, t.y + t.height) + 30;
      points = [[sm.x, startY], [sm.x, below], [tm.x, below], [tm.x, t.y + t.height]];
    }
  } else if (t.x >= s.x + s.width) {
    if (Math.abs(sm.y - tm.y) < 1) {
      points = [[s.x + s.width, sm.y], [t.x, tm.y]];
    } else if (isGateway(sourceElement)) {
      points = [[sm.x, tm.y > sm.y ? s.y + s.height : s.y], [sm.x, tm.y], [t.x, tm.y]];
    } else if (isGateway(targetElement)) {
      points = [[s.x + s.width, sm.y], [tm.x, sm.y], [tm.x, sm.y < tm.y ? t.y : t.y + t.height]];
    } else {
      const mx = (s.x + s.width + t.x) / 2;
      points = [[s.x + s.width, sm.y], [mx, sm.y], [mx, tm.y], [t.x, tm.y]];
    }
  } else {
    // A flow back to an earlier step: under both shapes.
    const below = Math.max(s.y + s.height, t.y + t.height) + 25;
    points = [[sm.x, s.y + s.height], [sm.x, below], [tm.x, below], [tm.x, t.y + t.height]];
  }
  return points.map(([x, y]) => point(moddle, x, y));
}

function shapeFor(moddle, element, b) {
  return moddle.create("bpmndi:BPMNShape", {
    id: `${element.id}_di`,
    bpmnElement: element,
    isHorizontal: true,
    bounds: moddle.create("dc:Bounds", { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) }),
  });
}

/**
 * Lay out a BPMN document that has no diagram: returns the XML with a diagram (pool and lanes included).
 * A document that already has one is returned unchanged.
 */
export async function layoutWithLanes(xml) {
  if (hasDiagram(xml)) return xml;
  const laid = await layoutProcess(xml);
  const moddle = new BpmnModdle({ spiffworkflow });
  const { rootElement: definitions } = await moddle.fromXML(laid);
  const processes = definitions.rootElements.filter((e) => isType(e, "bpmn:Process"));
  const process = processes.find((p) => p.isExecutable) || processes[0];
  const diagram = definitions.diagrams && definitions.diagrams[0];
  if (!process || !diagram) return laid;
  const lanes = (process.laneSets || []).flatMap((set) => set.lanes || []);
  const collaboration = definitions.rootElements.find((e) => isType(e, "bpmn:Collaboration"));
  const participant = collaboration && (collaboration.participants || []).find((p) => p.processRef === process);
  if (!lanes.length) return laid;

  const plane = diagram.plane;
  const shapes = new Map();
  const edges = [];
  for (const di of plane.planeElement || []) {
    if (isType(di, "bpmndi:BPMNShape")) shapes.set(di.bpmnElement.id, di);
    else if (isType(di, "bpmndi:BPMNEdge")) edges.push(di);
  }

  // Which lane each node is in; a node in no lane goes to the lane of a neighbour, else the first.
  const laneIndex = new Map();
  lanes.forEach((lane, index) => (lane.flowNodeRef || []).forEach((node) => laneIndex.set(node.id, index)));
  const nodes = [...shapes.values()].filter((s) => !isType(s.bpmnElement, "bpmn:BoundaryEvent"));
  for (const shape of nodes) {
    const element = shape.bpmnElement;
    if (laneIndex.has(element.id)) continue;
    const neighbours = [...(element.incoming || []).map((f) => f.sourceRef), ...(element.outgoing || []).map((f) => f.targetRef)];
    const known = neighbours.find((n) => n && laneIndex.has(n.id));
    laneIndex.set(element.id, known ? laneIndex.get(known.id) : 0);
  }

  // Rows inside each lane: a node goes to the first row where it overlaps nothing horizontally.
  const rowsOf = lanes.map(() => []);
  const rowOfNode = new Map();
  const ordered = [...nodes].sort((a, b) => bounds(a).y - bounds(b).y || bounds(a).x - bounds(b).x);
  for (const shape of ordered) {
    const b = bounds(shape);
    const rows = rowsOf[laneIndex.get(shape.bpmnElement.id)];
    const span = [b.x - 25, b.x + b.width + 25];
    let row = rows.findIndex((taken) => taken.every(([a, z]) => span[1] <= a || span[0] >= z));
    if (row < 0) {
      rows.push([]);
      row = rows.length - 1;
    }
    rows[row].push(span);
    rowOfNode.set(shape.bpmnElement.id, row);
  }

  const minX = Math.min(...nodes.map((s) => bounds(s).x));
  const maxX = Math.max(...[...shapes.values()].map((s) => bounds(s).x + bounds(s).width));
  const poolX = minX - POOL_HEADER - LANE_HEADER - MARGIN;
  const poolY = 40;
  const laneTops = [];
  let top = poolY;
  for (const rows of rowsOf) {
    laneTops.push(top);
    top += Math.max(1, rows.length) * ROW + 2 * LANE_PADDING - (ROW - 80);
  }
  const poolHeight = top - poolY;
  const poolWidth = maxX + MARGIN - poolX;

  const moved = new Map(); // element id → vertical move
  for (const shape of nodes) {
    const b = bounds(shape);
    const laneTop = laneTops[laneIndex.get(shape.bpmnElement.id)];
    const y = laneTop + LANE_PADDING + rowOfNode.get(shape.bpmnElement.id) * ROW + (80 - b.height) / 2;
    moved.set(shape.bpmnElement.id, y - b.y);
    b.y = Math.round(y);
    shape.label = undefined; // let the renderer place labels next to the moved shape
  }
  for (const shape of shapes.values()) {
    if (!isType(shape.bpmnElement, "bpmn:BoundaryEvent")) continue;
    const host = shape.bpmnElement.attachedToRef;
    const hostShape = host && shapes.get(host.id);
    if (hostShape) {
      const hb = bounds(hostShape);
      shape.bounds.y = Math.round(hb.y + hb.height - shape.bounds.height / 2);
      shape.bounds.x = Math.round(Math.min(Math.max(shape.bounds.x, hb.x), hb.x + hb.width - shape.bounds.width));
    }
    shape.label = undefined;
  }
  for (const edge of edges) {
    const flow = edge.bpmnElement;
    const source = flow.sourceRef && shapes.get(flow.sourceRef.id);
    const target = flow.targetRef && shapes.get(flow.targetRef.id);
    if (!source || !target) continue;
    edge.waypoint = route(moddle, source, target, flow.sourceRef, flow.targetRef);
    edge.label = undefined;
  }

  const extra = [];
  if (participant) {
    extra.push(shapeFor(moddle, participant, { x: poolX, y: poolY, width: poolWidth, height: poolHeight }));
    plane.bpmnElement = collaboration;
  }
  const laneX = participant ? poolX + POOL_HEADER : poolX;
  lanes.forEach((lane, index) => {
    const laneBottom = index + 1 < laneTops.length ? laneTops[index + 1] : poolY + poolHeight;
    extra.push(shapeFor(moddle, lane, { x: laneX, y: laneTops[index], width: poolWidth - (laneX - poolX), height: laneBottom - laneTops[index] }));
  });
  plane.planeElement = [...extra, ...plane.planeElement];
  const { xml: result } = await moddle.toXML(definitions, { format: true });
  return result;
}
