// Charts of the leaders' ratings page (ratings/templates/ratings/leaders.html): how many ratings gave each score,
// and the average score by month, for answers and for desks. The data comes from the page's
// <script type="application/json"> element (no inline code: the Content-Security-Policy forbids it); the tables
// below the charts are their text alternative.
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

const COLOURS = ["#1f5fa8", "#b3541e"];

function draw() {
  const source = document.getElementById("ratings-chart-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const options = { responsive: true, maintainAspectRatio: false, animation: false };

  new Chart(document.getElementById("chart-distribution"), {
    type: "bar",
    data: {
      labels: data.scores,
      datasets: [
        { label: data.labels.answer, data: data.answer_distribution, backgroundColor: COLOURS[0] },
        { label: data.labels.desk, data: data.desk_distribution, backgroundColor: COLOURS[1] },
      ],
    },
    options: { ...options, scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: data.labels.count } } } },
  });

  new Chart(document.getElementById("chart-average"), {
    type: "line",
    data: {
      labels: data.months,
      datasets: [
        { label: data.labels.answer, data: data.answer_average, borderColor: COLOURS[0], backgroundColor: COLOURS[0], pointStyle: "circle", pointRadius: 4, spanGaps: true },
        { label: data.labels.desk, data: data.desk_average, borderColor: COLOURS[1], backgroundColor: COLOURS[1], borderDash: [6, 4], pointStyle: "rect", pointRadius: 4, spanGaps: true },
      ],
    },
    options: { ...options, scales: { y: { min: 1, max: 5, title: { display: true, text: data.labels.average } } } },
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
else draw();
