// Entry point for static/dist/app.js, loaded by templates/base.html.
// htmx is bundled here so that no CDN is needed at run time.
import htmx from "htmx.org";

// The Content-Security-Policy allows no inline code: htmx must not inject its indicator <style> nor eval.
htmx.config.includeIndicatorStyles = false;
htmx.config.allowEval = false;
window.htmx = htmx;

// A <select data-submit-on-change> submits its form when changed (the language menu).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
    target.form.submit();
  }
});
