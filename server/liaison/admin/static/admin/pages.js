/* Small enhancements for the admin and H5 pages. Everything works without this file;
   it only adds the poster job's live progress, guards against double taps and keeps
   the rating form's 必填 marker in step on browsers without CSS :has(). The opinion
   actions and the H5 forms need none of it when refused: the server renders them
   again, open and filled in. The other admin forms are refused with a redirect
   (admin/common.py failed()); the page then carries the refused form as JSON (#refused-form) and
   this script puts its message beside that form, fills in what was typed and opens
   it (without JavaScript the message stays at the top of the page).
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

  /* A refused form (see admin/common.py failed()): which form was it? The one posted
     to the same path that has every field posted and whose hidden fields (a station
     id, a "back" address) hold the posted values: two forms to one path differ there. */
  function refusedForm(data) {
    var values = data.values || {};
    var forms = Array.prototype.filter.call(document.forms, function (form) {
      var action = form.getAttribute("action");
      if ((form.getAttribute("method") || "").toLowerCase() !== "post" || !action ||
          new URL(action, window.location.href).pathname !== data.action) { return false; }
      var names = {};
      Array.prototype.forEach.call(form.elements, function (el) { if (el.name) { names[el.name] = true; } });
      return Object.keys(values).every(function (name) { return names[name]; }) &&
        Array.prototype.every.call(form.querySelectorAll('input[type="hidden"][name]'), function (input) {
          var posted = values[input.name];
          return !posted || posted.indexOf(input.value) >= 0;
        });
    });
    return forms[0] || null;
  }

  function fillIn(form, values) {
    var used = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      var name = el.name, type = (el.type || "").toLowerCase();
      if (!name || type === "hidden" || type === "file" || type === "submit" || type === "button" ||
          type === "password") { return; }
      var posted = values[name];
      if (type === "checkbox") { el.checked = !!posted && posted.indexOf(el.value) >= 0; return; }
      if (!posted) { return; }
      if (type === "radio") { el.checked = posted.indexOf(el.value) >= 0; return; }
      if (type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = posted.indexOf(o.value) >= 0; });
        return;
      }
      var i = used[name] || 0;
      used[name] = i + 1;
      if (i < posted.length) { el.value = posted[i]; }
    });
  }

  function showRefused() {
    var blob = document.getElementById("refused-form");
    if (!blob) { return; }
    var data;
    try { data = JSON.parse(blob.getAttribute("data-refused")); } catch (e) { return; }
    var form = data && refusedForm(data);
    if (!form) { return; }  /* the flash at the top says it */
    fillIn(form, data.values || {});
    var box = document.createElement("div");
    box.className = "form-error";
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "refused-form-error");
    box.textContent = data.message;
    var first = Array.prototype.filter.call(form.children, function (el) {
      return !(el.tagName === "INPUT" && el.type === "hidden");
    })[0];
    form.insertBefore(box, first || null);
    Array.prototype.forEach.call(document.querySelectorAll(".flash-error"), function (flash) {
      if (flash.textContent.trim() === data.message) { flash.parentNode.removeChild(flash); }
    });
    for (var el = form; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") { el.open = true; }
    }
    box.scrollIntoView({ block: "start" });
    /* the browser may still jump to the address's #fragment after this script */
    window.addEventListener("load", function () { box.scrollIntoView({ block: "start" }); });
  }
  showRefused();

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
