// Swagger UI at /api/v1/docs: its configuration comes from the page's data attributes, so the
// page needs no inline script (Content-Security-Policy: script-src 'self').
window.addEventListener("load", function () {
  var container = document.getElementById("swagger-ui-container");
  var config = JSON.parse(container.dataset.config || "{}");
  config.url = container.dataset.specUrl;
  config.dom_id = "#swagger-ui-container";
  window.ui = SwaggerUIBundle(config);
});
