/* 导出任务: poll the job's JSON while it runs, move the progress bar, reload once it ended
   (the page then offers the download). Without JavaScript a <noscript> meta refresh does it. */
(function () {
  "use strict";
  var card = document.getElementById("export-job");
  if (!card || !window.fetch) { return; }
  var bar = card.querySelector("progress");
  var count = card.querySelector("[data-field=count]");
  var percent = card.querySelector("[data-field=percent]");
  var status = card.querySelector("[data-field=status]");

  function show(job) {
    bar.value = job.percent;
    bar.textContent = job.percent + "%";
    count.textContent = job.done + " / " + job.total;
    percent.textContent = job.percent + "%";
    status.textContent = job.status_label;
  }

  function poll() {
    fetch(card.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (job) {
        show(job);
        if (job.status === "done" || job.status === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 500);
}());
