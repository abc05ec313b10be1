/* The instance's BPMN diagram (bpmn-js navigated viewer, served from /static/vendor):
   fetches {xml, completed, current} and marks completed steps gf-done, current ones gf-current.
   The diagram is fitted to its box but never drawn smaller than MIN_ZOOM (labels stay legible):
   a wide model then scrolls — drag to move it, or use 放大 / 缩小 / 适应窗口. The box is as tall
   as the drawn diagram (within limits). For print, a copy sized to the page width is kept
   beside it (img.diagram-print, shown only in print). */
(function () {
  "use strict";
  var container = document.getElementById("diagram");
  if (!container) { return; }

  var MIN_ZOOM = container.clientWidth < 600 ? 0.7 : 0.85, MAX_ZOOM = 2.5, STEP = 1.25;
  var MIN_HEIGHT = 220, MAX_HEIGHT = 620, PAD = 24;

  function say(message) {
    container.innerHTML = "";
    var p = document.createElement("p");
    p.className = "muted diagram-status";
    p.textContent = message;
    container.appendChild(p);
  }

  function mark(viewer, ids, marker) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    ids.forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, marker); }
    });
  }

  function button(label, action, title) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.setAttribute("aria-label", title);
    b.title = title;
    b.dataset.zoom = action;
    return b;
  }

  function tools(canvas) {
    var bar = document.createElement("div");
    bar.className = "diagram-tools";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "流程图缩放");
    var shown = document.createElement("span");
    shown.className = "diagram-zoom muted";
    shown.setAttribute("aria-live", "polite");
    function report() { shown.textContent = "显示比例 " + Math.round(canvas.zoom() * 100) + "%"; }
    function zoomBy(factor) {
      var now = canvas.zoom();
      var next = Math.max(0.2, Math.min(MAX_ZOOM, now * factor));
      // around the middle of the box (diagram-js takes the centre in the box's pixels)
      canvas.zoom(next, { x: container.clientWidth / 2, y: container.clientHeight / 2 });
      report();
    }
    var zoomIn = button("放大", "in", "放大流程图");
    var zoomOut = button("缩小", "out", "缩小流程图");
    var fitAll = button("适应窗口", "fit", "流程图适应窗口大小");
    zoomIn.addEventListener("click", function () { zoomBy(STEP); });
    zoomOut.addEventListener("click", function () { zoomBy(1 / STEP); });
    fitAll.addEventListener("click", function () { fit(canvas, true); report(); });
    bar.appendChild(zoomIn);
    bar.appendChild(zoomOut);
    bar.appendChild(fitAll);
    bar.appendChild(shown);
    container.parentNode.insertBefore(bar, container);
    report();
    return report;
  }

  /* Fit the whole model, but not below MIN_ZOOM unless ``whole`` (the 适应窗口 button). */
  function fit(canvas, whole) {
    canvas.zoom("fit-viewport", "auto");
    var zoom = canvas.zoom();
    if (!whole && zoom < MIN_ZOOM) {
      var inner = canvas.viewbox().inner;
      canvas.zoom(MIN_ZOOM);
      canvas.scroll({ dx: 0, dy: 0 });
      var box = canvas.viewbox();  // start at the model's left edge (the start event)
      canvas.viewbox({ x: inner.x - PAD / MIN_ZOOM, y: inner.y - PAD / MIN_ZOOM,
                       width: box.width, height: box.height });
    }
  }

  /* When the model is wider than the box, bring the (first) current step into view. */
  function showCurrent(viewer, ids) {
    var canvas = viewer.get("canvas");
    var element = ids.map(function (id) { return viewer.get("elementRegistry").get(id); })
      .filter(Boolean)[0];
    if (!element) { return; }
    var box = canvas.viewbox();
    var inner = box.inner;
    var x = box.x, y = box.y;
    if (element.x + element.width > box.x + box.width || element.x < box.x) {
      x = Math.max(inner.x - PAD, Math.min(element.x - box.width / 4, inner.x + inner.width - box.width + PAD));
    }
    if (element.y + element.height > box.y + box.height || element.y < box.y) {
      y = Math.max(inner.y - PAD, Math.min(element.y - box.height / 3, inner.y + inner.height - box.height + PAD));
    }
    if (x !== box.x || y !== box.y) {
      canvas.viewbox({ x: x, y: y, width: box.width, height: box.height });
    }
  }

  function sizeToContent(canvas) {
    var inner = canvas.viewbox().inner;
    var width = container.clientWidth || 800;
    var zoom = Math.max(MIN_ZOOM, Math.min(1, (width - 2 * PAD) / inner.width));
    var height = Math.round(inner.height * zoom + 2 * PAD);
    container.style.height = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, height)) + "px";
    canvas.resized();
  }

  async function printCopy(viewer) {
    try {
      var result = await viewer.saveSVG();
      var style = "<style>" +
        ".gf-done:not(.djs-connection) .djs-visual > :nth-child(1){fill:#e3f4e8 !important;stroke:#216e39 !important}" +
        ".gf-current:not(.djs-connection) .djs-visual > :nth-child(1){fill:#fff1d1 !important;stroke:#d98e04 !important;stroke-width:3px !important}" +
        "</style>";
      var svg = result.svg.replace(/(<svg[^>]*>)/, "$1" + style);
      var img = document.createElement("img");
      img.className = "diagram-print";
      img.alt = "流程图";
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
      container.parentNode.insertBefore(img, container.nextSibling);
    } catch (error) {
      if (window.console) { console.warn(error); }
    }
  }

  async function show() {
    if (typeof window.BpmnJS !== "function") {
      say("流程图组件未安装（请运行 scripts/vendor.sh）。");
      return;
    }
    try {
      var response = await fetch(container.dataset.url, { credentials: "same-origin",
                                                          headers: { "Accept": "application/json" } });
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      var data = await response.json();
      container.innerHTML = "";
      var viewer = new window.BpmnJS({ container: container });
      await viewer.importXML(data.xml);
      var canvas = viewer.get("canvas");
      mark(viewer, data.completed || [], "gf-done");
      mark(viewer, data.current || [], "gf-current");
      sizeToContent(canvas);
      fit(canvas, false);
      showCurrent(viewer, data.current || []);
      var report = tools(canvas);
      viewer.on("canvas.viewbox.changed", report);
      container.dataset.ready = "true";
      printCopy(viewer);
    } catch (error) {
      say("流程图加载失败，请刷新页面重试。");
      if (window.console) { console.error(error); }
    }
  }

  show();
})();
