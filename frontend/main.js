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

// Answer templates (cases/_answer_template_picker.html): a link fills the form's answer with the template's text
// rendered for this petition (data-text); without JavaScript the link reloads the page with ?template=<id>.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-answer-template]") : null;
  if (!link) return;
  const form = link.closest("form") || document;
  const textarea = form.querySelector(`textarea[name="${link.dataset.target || "answer"}"]`);
  if (!(textarea instanceof HTMLTextAreaElement)) return;
  event.preventDefault();
  textarea.value = link.dataset.text || "";
  textarea.focus();
});
