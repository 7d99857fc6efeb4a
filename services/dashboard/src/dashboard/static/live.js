// Live updates: when the coordination view changes, fetch this page again and put its new
// content in place, without a reload. The server decides what the page holds; this only
// swaps it in. Focus and the reader's place are kept; a polite status says when it changed.
(function () {
  "use strict";
  var body = document.body;
  if (!body.dataset.live || !window.EventSource || !window.fetch) { return; }
  var main = document.getElementById("content");
  var status = document.getElementById("live-status");
  var district = body.dataset.district || "";
  var timer = null;
  var source = null;

  function announce() {
    if (!status) { return; }
    var time = new Date().toLocaleTimeString(document.documentElement.lang || "sv",
      { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    status.textContent = status.dataset.template.replace("{time}", time);
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("content");
    if (!fresh) { return; }
    var focused = document.activeElement && main.contains(document.activeElement)
      ? document.activeElement.id : "";
    main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
    if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
    body.dataset.updatedAt = String(Date.now());
    announce();
  }

  function refresh() {
    fetch(location.href, { headers: { "X-Live": "1" }, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.status === 401 || response.type === "opaqueredirect") { location.reload(); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) { if (html) { swap(html); } })
      .catch(function () { /* the next change tries again */ });
  }

  function changed(event) {
    var change = {};
    try { change = JSON.parse(event.data); } catch (e) { return; }
    if (district && (change.districts || []).indexOf(district) < 0) { return; }
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }

  function connect() {
    source = new EventSource("/live");
    source.addEventListener("ready", function () { body.dataset.live = "connected"; });
    source.addEventListener("view-changed", changed);
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) { setTimeout(check, 5000); }
    };
  }

  // The stream was refused: signed out (go to sign-in) or the view is unavailable (retry).
  function check() {
    fetch("/session", { credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) { location.reload(); } else { connect(); }
      })
      .catch(function () { setTimeout(check, 15000); });
  }

  connect();
}());
