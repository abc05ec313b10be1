/* Task forms: live 字 counters (counted as forms/validators.py counts) and repeating rows. */
(function () {
  "use strict";

  // len(value.replace("\r\n", "\n").strip()) in Python: code points, not UTF-16 units.
  function chars(text) {
    return Array.from(text.replace(/\r\n/g, "\n").trim()).length;
  }

  function updateCounter(area) {
    var field = area.closest(".field");
    var counter = field && field.querySelector(".char-counter");
    if (!counter) return;
    var count = chars(area.value);
    counter.querySelector(".count").textContent = count;
    counter.classList.toggle("over", count > parseInt(area.dataset.maxChars, 10));
  }

  function escaped(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // Rows are named <table path>.<n>.<field>; ids f-<path with dashes>-<n>-<field>.
  function renumber(table) {
    var path = table.dataset.path;
    var idPath = "f-" + path.replace(/\./g, "-");
    var nameRe = new RegExp("^" + escaped(path + ".") + "(?:\\d+|__INDEX__)\\.");
    var idRe = new RegExp("^" + escaped(idPath + "-") + "(?:\\d+|__INDEX__)-");
    table.querySelectorAll("tbody > tr.row").forEach(function (row, index) {
      row.querySelector(".row-number").textContent = index + 1;
      row.querySelectorAll("[name]").forEach(function (el) {
        el.name = el.name.replace(nameRe, path + "." + index + ".");
      });
      ["id", "for", "aria-describedby"].forEach(function (attr) {
        row.querySelectorAll("[" + attr + "]").forEach(function (el) {
          el.setAttribute(attr, el.getAttribute(attr).replace(idRe, idPath + "-" + index + "-"));
        });
      });
    });
  }

  function addRow(table) {
    var row = table.querySelector("template").content.firstElementChild.cloneNode(true);
    table.querySelector("tbody").appendChild(row);
    renumber(table);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("textarea[data-max-chars]")) updateCounter(event.target);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.add-row, button.remove-row");
    if (!button) return;
    var table = button.closest(".repeating");
    if (button.classList.contains("add-row")) {
      addRow(table);
    } else {
      button.closest("tr").remove();
      renumber(table);
    }
  });
})();
