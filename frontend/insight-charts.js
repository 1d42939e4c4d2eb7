// Charts of the leaders' insight page (topics/templates/topics/insight.html): petitions per month of each topic,
// and the busiest communes by topic. The data comes from the page's <script type="application/json"> element (no
// inline code: the Content-Security-Policy forbids it); the tables below the charts are their text alternative.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, Tooltip);

// Eleven topics: distinct colours, and a pattern-free order that matches the tables' columns.
const COLOURS = [
  "#1f5fa8", "#b3541e", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457",
  "#5d4037", "#455a64", "#c49000", "#7cb342", "#8e8e8e",
];

function stacked(canvas, labels, series, horizontal) {
  if (!canvas) return;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: series.map((item, i) => ({
        label: item.label,
        data: item.counts,
        backgroundColor: COLOURS[i % COLOURS.length],
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: horizontal ? "y" : "x",
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  });
}

function draw() {
  const source = document.getElementById("insight-chart-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  stacked(document.getElementById("chart-topics"), data.months, data.topics, false);
  stacked(document.getElementById("chart-communes"), data.communes, data.commune_topics, true);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
else draw();
