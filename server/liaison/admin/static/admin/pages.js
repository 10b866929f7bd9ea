/* Small enhancements for the admin and H5 pages. Everything works without this file;
   it only adds the poster job's live progress, guards against double taps and keeps
   the rating form's 必填 marker in step on browsers without CSS :has(). A refused
   form needs none of it: the server renders it again, open and filled in, and the
   form's action URL ends in the form's own #fragment, so the page opens there.
   No inline scripts anywhere (CSP script-src 'self'). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrfToken() } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) {
          var message = (data && data.error && data.error.message) || "操作失败，请稍后再试";
          throw new Error(message);
        }
        return data;
      });
    });
  }

  /* One tap, one submission: a slow phone network must not send a form twice. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.classList.contains("js-batch-form")) { return; }
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    var button = form.querySelector('button[type="submit"]');
    if (button) { button.classList.add("weui-btn_loading"); }
  });

  /* Show which file was picked (the native text would be in the browser's language). */
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("file-picker__input")) { return; }
    var label = input.parentNode.querySelector(".file-picker__name");
    if (!label) { return; }
    var files = input.files || [];
    if (!files.length) { label.textContent = "未选择文件"; }
    else if (files.length === 1) { label.textContent = files[0].name; }
    else { label.textContent = "已选择 " + files.length + " 个文件"; }
  });

  /* The rating's comment becomes required with 不满意 (h5/opinion.html): keep the
     form's class, which the CSS reads where :has() is missing, in step with the choice. */
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.form || input.name !== "rating" || !input.form.classList.contains("rate-form")) { return; }
    var unsatisfied = input.form.querySelector('input[name="rating"][value="unsatisfied"]');
    input.form.classList.toggle("is-unsatisfied", !!(unsatisfied && unsatisfied.checked));
  });

  /* Coming back with the browser's back button must not leave forms locked. */
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sent]"), function (form) {
      delete form.dataset.sent;
      var button = form.querySelector('button[type="submit"]');
      if (button) { button.classList.remove("weui-btn_loading"); }
    });
  });

  /* The "recent batches" list follows the batch being watched: its row appears (the
     "none yet" line goes) and shows the same progress and the download link. */
  function showInList(b) {
    var list = document.querySelector('[data-testid="batch-list"]');
    if (!list) { return; }
    var empty = list.querySelector('[data-testid="batch-none"]');
    if (empty) { empty.parentNode.removeChild(empty); }
    var row = list.querySelector('[data-batch-id="' + b.id + '"]');
    if (!row) {
      row = document.createElement("div");
      row.className = "weui-cell";
      row.setAttribute("data-batch-id", b.id);
      row.innerHTML = '<div class="weui-cell__bd"><p class="batch__what"></p><p class="muted small batch__count"></p></div>' +
        '<div class="weui-cell__ft batch__zip"></div>';
      list.insertBefore(row, list.firstChild);
    }
    row.querySelector(".batch__what").textContent = (b.formats || []).join("、").toUpperCase() + " · " + b.status_label;
    row.querySelector(".batch__count").textContent = b.done + " / " + b.total;
    var zip = row.querySelector(".batch__zip");
    if (b.zip_url && !zip.querySelector("a")) {
      var a = document.createElement("a");
      a.setAttribute("href", b.zip_url);
      a.setAttribute("download", "");
      a.textContent = "下载";
      zip.appendChild(a);
    }
  }

  /* Poster batches: start through the codes API, then follow done / total. */
  function watchBatch(box, batchId) {
    var bar = box.querySelector(".progress__bar");
    var text = box.querySelector(".progress__text");
    var link = box.querySelector(".progress__link");
    box.classList.remove("is-hidden");
    function tick() {
      api("GET", "/api/v1/poster-batches/" + batchId).then(function (data) {
        var b = data.batch;
        showInList(b);
        bar.max = Math.max(b.total, 1);
        bar.value = b.total ? b.done : 0;
        text.textContent = b.status_label + "：已生成 " + b.done + " / " + (b.total || "?") + " 个文件";
        if (b.status === "finished" && b.zip_url) {
          text.textContent = "已完成：共 " + b.total + " 个文件";
          link.querySelector("a").setAttribute("href", b.zip_url);
          link.classList.remove("is-hidden");
        } else if (b.status === "failed") {
          text.textContent = "生成失败：" + (b.error || "请重新发起，已完成的文件不会重做");
        } else {
          window.setTimeout(tick, 1000);
        }
      }).catch(function (err) {
        text.textContent = err.message;
      });
    }
    tick();
  }

  var batchForm = document.querySelector(".js-batch-form");
  var progress = document.querySelector('[data-testid="batch-progress"]');
  if (batchForm && progress && window.fetch) {
    batchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = batchForm.querySelector('button[type="submit"]');
      button.disabled = true;
      progress.classList.remove("is-hidden");
      progress.querySelector(".progress__link").classList.add("is-hidden");
      progress.querySelector(".progress__text").textContent = "正在提交……";
      var format = batchForm.querySelector('[name="format"]').value;
      api("POST", "/api/v1/regions/" + batchForm.dataset.region + "/poster-batches", { format: format })
        .then(function (data) { watchBatch(progress, data.batch.id); })
        .catch(function (err) { progress.querySelector(".progress__text").textContent = err.message; })
        .then(function () { button.disabled = false; });
    });
    if (progress.dataset.batch) { watchBatch(progress, progress.dataset.batch); }
  }
})();
