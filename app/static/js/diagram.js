/* The instance's BPMN diagram (bpmn-js navigated viewer, served from /static/vendor):
   fetches {xml, completed, current} and marks completed steps gf-done, current ones gf-current. */
(function () {
  "use strict";
  var container = document.getElementById("diagram");
  if (!container) { return; }

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
      viewer.get("canvas").zoom("fit-viewport");
      mark(viewer, data.completed || [], "gf-done");
      mark(viewer, data.current || [], "gf-current");
    } catch (error) {
      say("流程图加载失败，请刷新页面重试。");
      if (window.console) { console.error(error); }
    }
  }

  show();
})();
