// Charts of the leaders' page (cases/templates/cases/leaders.html): the on-time rate per unit and the volume
// per petition type, by month. The data comes from the page's <script type="application/json"> element (no
// inline code: the Content-Security-Policy forbids it); the figures table stays the text alternative.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

// Distinct by dash and point style too, so a series is not told apart by colour alone.
const COLOURS = ["#1f5fa8", "#b3541e", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#455a64"];
const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
const POINTS = ["circle", "rect", "triangle", "rectRot", "star", "crossRot"];

/** Sums the bucket counts of `rows` grouped by `key` and month: {group: {label, months: {month: figures}}}. */
function group(rows, key, labelKey) {
  const groups = new Map();
  for (const row of rows) {
    if (!groups.has(row[key])) groups.set(row[key], { label: row[labelKey], months: new Map() });
    const months = groups.get(row[key]).months;
    const sum = months.get(row.month) || { received: 0, answered_on_time: 0, answered_late: 0, overdue: 0, very_overdue: 0 };
    for (const figure of Object.keys(sum)) sum[figure] += row[figure];
    months.set(row.month, sum);
  }
  return groups;
}

/** The on-time rate of the leaders' page: answered on time / (answered + open past due); null if none count. */
function rate(sum) {
  const counted = sum.answered_on_time + sum.answered_late + sum.overdue + sum.very_overdue;
  return counted ? Math.round((sum.answered_on_time * 100) / counted) : null;
}

function draw() {
  const source = document.getElementById("leaders-chart-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const months = data.months;
  const byUnit = group(data.unit_rows, "unit", "unit_name");
  const byType = group(data.type_rows, "petition_type", "type_label");
  const options = { responsive: true, maintainAspectRatio: false, animation: false };

  new Chart(document.getElementById("chart-rate"), {
    type: "line",
    data: {
      labels: months,
      datasets: [...byUnit.values()].map((unit, i) => ({
        label: unit.label,
        data: months.map((month) => (unit.months.has(month) ? rate(unit.months.get(month)) : null)),
        borderColor: COLOURS[i % COLOURS.length],
        backgroundColor: COLOURS[i % COLOURS.length],
        borderDash: DASHES[i % DASHES.length],
        pointStyle: POINTS[i % POINTS.length],
        pointRadius: 4,
        spanGaps: true,
      })),
    },
    options: { ...options, scales: { y: { min: 0, max: 100, title: { display: true, text: data.labels.rate } } } },
  });

  new Chart(document.getElementById("chart-volume"), {
    type: "bar",
    data: {
      labels: months,
      datasets: [...byType.values()].map((type, i) => ({
        label: type.label,
        data: months.map((month) => (type.months.has(month) ? type.months.get(month).received : 0)),
        backgroundColor: COLOURS[i % COLOURS.length],
      })),
    },
    options: {
      ...options,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: data.labels.volume } } },
    },
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
else draw();
