// Entry point for static/dist/app.js, loaded by templates/base.html.
// htmx is bundled here so that no CDN is needed at run time.
import htmx from "htmx.org";

window.htmx = htmx;
