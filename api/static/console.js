/* Advisor console: login, live queue, conversation actions. Text goes in with textContent only. */
(function () {
  "use strict";
  var body = document.body;
  var S = JSON.parse(body.getAttribute("data-strings") || "{}");
  var LANG = body.getAttribute("data-lang") || "en";
  function t(key, params) {
    var s = S["console." + key] || key;
    Object.keys(params || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(params[k])); });
    return s;
  }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )kk_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function api(method, path, data) {
    var headers = { "Content-Type": "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = csrf();
    return fetch(path, { method: method, headers: headers, credentials: "same-origin", body: data ? JSON.stringify(data) : undefined })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (d) { return { status: r.status, data: d }; }); });
  }
  function showError(status) {
    var box = document.getElementById("kc-error");
    if (!box) return;
    box.textContent = status === 409 ? t("error.conflict") : status === 422 ? t("error.too_long") : t("error.generic");
    box.hidden = false;
  }
  function toast(text) {
    var box = document.getElementById("kc-toast");
    box.textContent = text; box.hidden = false;
    setTimeout(function () { box.hidden = true; }, 6000);
    if (window.Notification && Notification.permission === "granted") { try { new Notification(text); } catch (e) { /* ignore */ } }
  }
  function socket(onEvent) {
    var ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/api/v1/advisor/ws");
    ws.onmessage = function (e) { onEvent(JSON.parse(e.data)); };
    // A heartbeat keeps this advisor counted as online.
    var beat = setInterval(function () { if (ws.readyState === 1) ws.send("ping"); }, 60000);
    // 4401: the session has ended (logout elsewhere, deactivation, timeout): back to the login page.
    ws.onclose = function (e) {
      clearInterval(beat);
      if (e.code === 4401) { location.href = "/console/login?lang=" + LANG; return; }
      setTimeout(function () { socket(onEvent); }, 3000);
    };
  }

  var logout = document.getElementById("kc-logout");
  if (logout) logout.addEventListener("click", function () {
    api("POST", "/api/v1/auth/logout").then(function () { location.href = "/console/login?lang=" + LANG; });
  });

  var page = body.getAttribute("data-page");
  if (page === "login") {
    document.getElementById("kc-login").addEventListener("submit", function (e) {
      e.preventDefault();
      var f = e.target;
      api("POST", "/api/v1/auth/login", { email: f.email.value, password: f.password.value }).then(function (res) {
        if (res.status === 200) { location.href = "/console?lang=" + LANG; return; }
        var box = document.getElementById("kc-error");
        box.textContent = res.status === 429 ? t("login.limited") : t("login.failed"); box.hidden = false;
      });
    });
  }

  if (page === "queue") {
    if (window.Notification && Notification.permission === "default") Notification.requestPermission();
    var render = function () {
      api("GET", "/api/v1/advisor/queue").then(function (res) {
        if (res.status === 401) { location.href = "/console/login"; return; }
        // The same test the user's handoff uses (office hours and online), so the console never says
        // "available" while users are told nobody is.
        var online = document.getElementById("kc-online");
        online.textContent = t("queue.available", { count: res.data.available });
        if (res.data.online && !res.data.available) online.textContent += " " + t("queue.closed_hours");
        [["kc-waiting", res.data.waiting], ["kc-mine", res.data.mine]].forEach(function (pair) {
          var list = document.getElementById(pair[0]);
          list.textContent = "";
          if (!pair[1].length && pair[0] === "kc-waiting") list.appendChild(el("li", "", t("queue.empty")));
          pair[1].forEach(function (c) {
            var li = el("li", "kc-item");
            li.setAttribute("data-id", c.id);
            var a = el("a", "", c.language.toUpperCase() + " · " + c.channel + " · " + t("queue.waited", { minutes: Math.floor(c.waiting_seconds / 60) }));
            a.href = "/console/conversations/" + encodeURIComponent(c.id) + "?lang=" + LANG;
            li.appendChild(a);
            if (c.left_message) li.appendChild(el("span", "kc-badge", t("queue.left_message")));
            if (c.unread) li.appendChild(el("span", "kc-badge", t("queue.unread", { count: c.unread })));
            var last = c.last_messages.filter(function (m) { return m.role === "user"; }).pop();
            if (last) li.appendChild(el("p", "kc-text", last.text));
            list.appendChild(li);
          });
        });
      });
    };
    // Sends LINE or Telegram refused for good: the text is safe in the history, but the user never saw it.
    var renderAlerts = function () {
      api("GET", "/api/v1/advisor/alerts").then(function (res) {
        if (res.status !== 200) return;
        var list = document.getElementById("kc-alerts");
        list.textContent = "";
        document.getElementById("kc-alerts-box").hidden = !res.data.alerts.length;
        res.data.alerts.forEach(function (a) {
          var li = el("li", "kc-item");
          // What it means for the advisor and what to do; the technical error only as a detail.
          var channel = a.channel === "line" ? "LINE" : a.channel === "telegram" ? "Telegram" : a.channel;
          li.appendChild(el("strong", "kc-alert-title", t("alerts.failed", { channel: channel })));
          li.appendChild(el("p", "kc-alert-help", t("alerts.what_to_do")));
          if (a.error) li.appendChild(el("p", "kc-alert-detail", t("alerts.detail", { time: new Date(a.created_at).toLocaleString(LANG), error: a.error })));
          if (a.conversation_id) {
            var open = el("a", "", t("alerts.open"));
            open.href = "/console/conversations/" + encodeURIComponent(a.conversation_id) + "?lang=" + LANG;
            li.appendChild(open);
          }
          [["retry", "alerts.retry"], ["acknowledge", "alerts.acknowledge"]].forEach(function (pair) {
            var b = el("button", "", t(pair[1]));
            b.type = "button";
            b.addEventListener("click", function () {
              api("POST", "/api/v1/advisor/alerts/" + a.id + "/" + pair[0]).then(function (r) {
                if (r.status !== 200) showError(r.status);
                renderAlerts();
              });
            });
            li.appendChild(b);
          });
          list.appendChild(li);
        });
      });
    };
    render();
    renderAlerts();
    socket(function (event) {
      if (event.type === "waiting") toast(t("notify.waiting", { language: event.conversation.language }));
      if (event.type === "delivery_failed") { toast(t("alerts.title")); renderAlerts(); return; }
      if (event.type !== "ready") render();
    });
  }

  if (page === "conversation") {
    var box = document.getElementById("kc-conversation");
    var id = box.getAttribute("data-id");
    var seen = {};
    var log = document.getElementById("kc-transcript");
    Array.prototype.forEach.call(log.children, function (li) { seen[li.getAttribute("data-id")] = true; });
    var add = function (m) {
      if (seen[m.id]) return;
      seen[m.id] = true;
      var li = el("li", "kc-msg kc-" + m.role);
      li.setAttribute("data-id", m.id);
      li.appendChild(el("span", "kc-who", t("role." + m.role)));
      li.appendChild(el("span", "kc-text", m.text));
      // The options the user was offered ("Did you mean one of these?" means nothing without them).
      if (m.buttons && m.buttons.length) {
        var options = el("ul", "kc-options");
        options.setAttribute("aria-label", t("conversation.options"));
        m.buttons.forEach(function (b) { options.appendChild(el("li", "", b.title)); });
        li.appendChild(options);
      }
      log.appendChild(li); log.scrollTop = log.scrollHeight;
    };
    // Everything stored that is not shown yet ("joined", "handed back" and other system messages
    // are stored without an advisor event): read after every state change and own action.
    var refresh = function () {
      api("GET", "/api/v1/advisor/conversations/" + encodeURIComponent(id) + "/transcript").then(function (res) {
        if (res.status !== 200) return;
        (res.data.messages || []).forEach(add);
        var c = res.data.conversation || {};
        if (c.state) setState(c.state, c.advisor_id);
      });
    };
    // Buttons follow the state: claim while waiting; hand back, close, transfer and send while it is mine.
    var me = Number(box.getAttribute("data-me"));
    var admin = box.getAttribute("data-admin") === "true";
    var setState = function (state, owner) {
      box.setAttribute("data-state", state);
      box.setAttribute("data-owner", owner == null ? "" : String(owner));
      document.getElementById("kc-state").textContent = t("conversation.state", { state: t("state." + state) });
      var mine = state === "advisor" && (Number(owner) === me || admin);
      var colleagues = document.getElementById("kc-transfer-to").options.length > 0;
      Array.prototype.forEach.call(document.querySelectorAll("[data-action]"), function (b) {
        var action = b.getAttribute("data-action");
        b.disabled = action === "claim" ? state !== "waiting" : action === "transfer" ? !(mine && colleagues) : !mine;
      });
      document.getElementById("kc-transfer-to").disabled = !(mine && colleagues);
      document.getElementById("kc-send").disabled = !mine;
    };
    var act = function (action, data) {
      return api("POST", "/api/v1/advisor/conversations/" + encodeURIComponent(id) + "/" + action, data).then(function (res) {
        if (res.status !== 200) { showError(res.status); return null; }
        document.getElementById("kc-error").hidden = true;
        refresh();
        return res.data;
      });
    };
    Array.prototype.forEach.call(document.querySelectorAll("[data-action]"), function (b) {
      b.addEventListener("click", function () {
        var action = b.getAttribute("data-action");
        act(action, action === "transfer" ? { advisor_id: Number(document.getElementById("kc-transfer-to").value) } : undefined);
      });
    });
    document.getElementById("kc-canned").addEventListener("change", function (e) {
      // The option's value is already the text in the user's language.
      if (e.target.value) { document.getElementById("kc-reply-text").value = e.target.value; e.target.value = ""; }
    });
    document.getElementById("kc-reply").addEventListener("submit", function (e) {
      e.preventDefault();
      var area = document.getElementById("kc-reply-text");
      var text = area.value.trim();
      if (!text) return;
      act("messages", { text: text }).then(function (m) { if (m) { area.value = ""; add(m); } });
    });
    document.getElementById("kc-note").addEventListener("submit", function (e) {
      e.preventDefault();
      var area = e.target.text;
      act("notes", { text: area.value }).then(function (n) {
        if (!n) return;
        var li = el("li"); li.appendChild(el("span", "kc-who", n.author)); li.appendChild(el("span", "kc-text", n.text));
        document.getElementById("kc-notes").appendChild(li); area.value = "";
      });
    });
    socket(function (event) {
      if ((event.type === "user_message" || event.type === "advisor_message") && event.conversation_id === id) add(event.message);
      if (event.type === "state" && event.conversation_id === id) {
        setState(event.state, event.advisor_id);
        refresh();
      }
    });
  }
})();
