// Charts of a survey's results page (surveys/templates/surveys/results.html): answers per commune and the count of
// each choice or scale value per question. The data comes from the page's <script type="application/json">
// element (no inline code: the Content-Security-Policy forbids it); each chart's table stays its text alternative.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const COLOUR = "#1f5fa8";

function bar(canvas, labels, counts, horizontal) {
  if (!canvas) return;
  new Chart(canvas, {
    type: "bar",
    data: { labels, datasets: [{ data: counts, backgroundColor: COLOUR }] },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: horizontal ? "y" : "x",
      plugins: { legend: { display: false } },
      scales: { [horizontal ? "x" : "y"]: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}

function draw() {
  const source = document.getElementById("survey-chart-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  bar(document.getElementById("chart-communes"), data.communes.labels, data.communes.counts, false);
  for (const question of data.questions) {
    const long = question.labels.some((label) => label.length > 12);
    bar(document.getElementById(`chart-q${question.id}`), question.labels, question.counts, long);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
else draw();
