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

  var failures = 0;

  function poll() {
    fetch(card.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (job) {
        show(job);
        if (job.status === "done" || job.status === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function (code) {
        // 401/403/404: the session ended or the job is not this user's — reloading shows why;
        // anything else (network, 5xx) is retried a few times, then left to the manual refresh
        if (code === 401 || code === 403 || code === 404) { window.location.reload(); }
        else if (++failures <= 5) { window.setTimeout(poll, 5000); }
        else { status.textContent = "无法获取进度，请刷新页面"; }
      });
  }

  window.setTimeout(poll, 500);
}());
