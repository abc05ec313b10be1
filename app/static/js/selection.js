// 遴选工作台: marks without leaving the page. Each row's form is posted with fetch; on success
// the row and the quota lines are replaced from a fresh copy of the page; a refusal is shown
// on the row. Without JS the same forms post and the page reloads.
(function () {
  "use strict";
  const table = document.querySelector("table.candidates");
  if (!table || !window.fetch) return;

  function refusal(row, message) {
    let note = row.querySelector(".refusal");
    if (!note) {
      note = document.createElement("p");
      note.className = "refusal";
      note.setAttribute("role", "alert");
      row.querySelector("td.actions").appendChild(note);
    }
    note.textContent = message;
  }

  async function refresh(row) {
    const page = await fetch(window.location.href, {credentials: "same-origin"});
    const doc = new DOMParser().parseFromString(await page.text(), "text/html");
    const fresh = doc.getElementById(row.id);
    if (fresh) row.replaceWith(fresh);
    for (const id of ["quota-lines", "board-warnings"]) {
      const part = doc.getElementById(id);
      if (part) document.getElementById(id).replaceWith(part);
    }
  }

  table.addEventListener("submit", async function (event) {
    const form = event.target;
    const row = form.closest("tr");
    if (!row) return;
    event.preventDefault();
    const button = form.querySelector("button");
    if (button) button.disabled = true;
    try {
      const answer = await fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"Accept": "application/json"}});
      const result = await answer.json();
      if (result.ok) await refresh(row); else refusal(row, result.message);
    } catch (err) {
      refusal(row, "网络异常，请刷新页面后重试");
    } finally {
      if (button) button.disabled = false;
    }
  });
})();
