/* A box that scrolls on its own (a wide table on a phone, the 流程记录, a chart) can be reached
   and scrolled with the keyboard: it gets tabindex="0" while it overflows (axe-core's
   scrollable-region-focusable). */
(function () {
  "use strict";
  var SCROLLS = /(auto|scroll)/;
  // the boxes our stylesheets let scroll (not every element: a 遴选 board has thousands of rows)
  var CANDIDATES = "main table.list, main .chart-box, main .table-scroll, main .table-wrap, " +
                   "main .decision-panel dd, main [style*=overflow], main [data-scroll-focus]";

  function overflows(el) {
    var style = window.getComputedStyle(el);
    return (SCROLLS.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
           (SCROLLS.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1);
  }

  function mark() {
    var boxes = document.querySelectorAll(CANDIDATES);
    for (var i = 0; i < boxes.length; i++) {
      var el = boxes[i];
      if (el.hasAttribute("data-scroll-focus")) {
        if (!overflows(el)) {
          el.removeAttribute("tabindex");
          el.removeAttribute("data-scroll-focus");
        }
      } else if (!el.hasAttribute("tabindex") && overflows(el)) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-focus", "");
      }
    }
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(mark, 100);
  });
  window.addEventListener("load", mark);
  mark();
})();
