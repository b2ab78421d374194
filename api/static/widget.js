/* Kakehashi chat widget. Embed with one tag:
 *   <script src="https://HOST/static/widget.js" defer></script>
 * Everything a person reads comes from /api/v1/widget/i18n (locales/ catalogs); text is always
 * inserted with textContent, never as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  var API = (script && script.getAttribute("data-api")) || (script ? new URL(script.src).origin : "");
  // The languages, in menu order, are the keys of /api/v1/widget/i18n (knowledge_base/languages.py).
  var LANGS = [];
  var STORE = "kakehashi.widget";
  var MAX_CHARS = 2000;
  // A pasted digital credential (a signed JWT, eyJ….eyJ….…) may be longer; the api checks it and keeps
  // only a placeholder (api/core/pasted.py MAX_CHARS).
  var MAX_CREDENTIAL_CHARS = 32768;
  var CREDENTIAL = /eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\./;
  var strings = {};
  var state = loadState();
  var ui = {};
  var socket = null;
  var seen = {};
  // The conversation's owner state and, while waiting for an advisor, its place in the queue.
  var queue = { state: null, position: null };

  function loadState() {
    try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }
  function saveState() {
    try { localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function browserLanguage() {
    var tag = (navigator.language || "en").toLowerCase().split("-")[0];
    return LANGS.indexOf(tag) >= 0 ? tag : "en";
  }
  // The page's own language (<html lang>), when it is one of ours: the widget greets in it.
  function pageLanguage() {
    var tag = (document.documentElement.getAttribute("lang") || "").toLowerCase().split("-")[0];
    return LANGS.indexOf(tag) >= 0 ? tag : null;
  }
  function lang() { return state.language || state.chosen || pageLanguage() || browserLanguage(); }
  function t(key) {
    var table = strings[lang()] || strings.en || {};
    return table["widget." + key] || (strings.en || {})["widget." + key] || "";
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function build() {
    var link = el("link", { rel: "stylesheet", href: API + "/static/widget.css" });
    document.head.appendChild(link);
    ui.launcher = el("button", { type: "button", class: "kk-launcher", "aria-expanded": "false", "aria-controls": "kk-panel" });
    ui.panel = el("section", { id: "kk-panel", class: "kk-panel", role: "dialog", "aria-modal": "false", hidden: "" });
    var header = el("div", { class: "kk-header" });
    ui.title = el("h2", { class: "kk-title", id: "kk-title" });
    ui.subtitle = el("p", { class: "kk-subtitle" });
    ui.langLabel = el("label", { for: "kk-lang", class: "kk-visually-hidden" });
    ui.lang = el("select", { id: "kk-lang", class: "kk-lang" });
    LANGS.forEach(function (code) { ui.lang.appendChild(el("option", { value: code })); });
    ui.close = el("button", { type: "button", class: "kk-close" }, "×");
    var titles = el("div", { class: "kk-titles" });
    titles.appendChild(ui.title); titles.appendChild(ui.subtitle);
    header.appendChild(titles); header.appendChild(ui.langLabel); header.appendChild(ui.lang); header.appendChild(ui.close);
    // The log is a focusable scroll box (keyboard users can scroll it) holding a real list: an <ol>
    // with role="log" would stop being a list, and its items would be list items of nothing.
    ui.log = el("div", { class: "kk-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
    ui.list = el("ol", { class: "kk-list" });
    ui.log.appendChild(ui.list);
    ui.typing = el("p", { class: "kk-typing", "aria-live": "polite", hidden: "" });
    ui.status = el("p", { class: "kk-status", role: "status", hidden: "" });
    ui.error = el("p", { class: "kk-error", role: "alert", hidden: "" });
    ui.form = el("form", { class: "kk-form" });
    ui.inputLabel = el("label", { for: "kk-input", class: "kk-visually-hidden" });
    ui.input = el("textarea", { id: "kk-input", class: "kk-input", rows: "1", maxlength: String(MAX_CREDENTIAL_CHARS) });
    ui.send = el("button", { type: "submit", class: "kk-send" });
    ui.form.appendChild(ui.inputLabel); ui.form.appendChild(ui.input); ui.form.appendChild(ui.send);
    ui.disclaimer = el("p", { class: "kk-disclaimer" });
    ui.panel.setAttribute("aria-labelledby", "kk-title");
    [header, ui.status, ui.log, ui.typing, ui.error, ui.form, ui.disclaimer].forEach(function (n) { ui.panel.appendChild(n); });
    document.body.appendChild(ui.launcher);
    document.body.appendChild(ui.panel);

    ui.launcher.addEventListener("click", function () { toggle(true); });
    ui.close.addEventListener("click", function () { toggle(false); });
    ui.panel.addEventListener("keydown", function (e) { if (e.key === "Escape") toggle(false); });
    ui.lang.addEventListener("change", function () { chooseLanguage(ui.lang.value); });
    ui.form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
    ui.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
    });
  }

  function relabel() {
    document.documentElement.lang = document.documentElement.lang || lang();
    ui.panel.setAttribute("lang", lang());
    ui.launcher.textContent = t("open");
    ui.launcher.setAttribute("aria-label", t("open"));
    ui.title.textContent = t("title");
    ui.subtitle.textContent = t("subtitle");
    ui.langLabel.textContent = t("language");
    ui.close.setAttribute("aria-label", t("close"));
    ui.log.setAttribute("aria-label", t("log_label"));
    if (ui.greeting) ui.greeting.querySelector(".kk-text").textContent = t("greeting");
    ui.input.setAttribute("placeholder", t("placeholder"));
    ui.inputLabel.textContent = t("input_label");
    ui.send.textContent = t("send");
    ui.typing.textContent = t("typing");
    ui.disclaimer.textContent = t("disclaimer");
    Array.prototype.forEach.call(ui.lang.options, function (o) {
      o.textContent = (strings[o.value] || {})["widget.language_name"] || o.value;
    });
    ui.lang.value = lang();
    renderQueue();
  }

  // Called with what the api last said: REST state, the socket's "ready", "state" and "queue" events.
  // `undefined` leaves a value as it was.
  function setQueue(ownerState, position) {
    if (ownerState) queue.state = ownerState;
    if (position !== undefined) queue.position = position;
    if (queue.state !== "waiting") queue.position = null;
    renderQueue();
  }
  function renderQueue() {
    var show = queue.state === "waiting" && typeof queue.position === "number" && queue.position > 0;
    ui.status.hidden = !show;
    ui.status.textContent = show ? t("queue_position").replace("{position}", String(queue.position)) : "";
  }

  function toggle(open) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    ui.launcher.hidden = open;
    if (open) { ensureConversation().then(loadHistory); ui.input.focus(); } else { ui.launcher.focus(); }
  }

  function request(method, path, body, key) {
    var headers = { "Content-Type": "application/json" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    if (key) headers["Idempotency-Key"] = key;
    return fetch(API + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; });
      });
  }

  // One conversation per visitor: a message typed while the panel is still opening waits for the same
  // creation instead of starting a second conversation (which would split the history in two).
  var creating = null;
  function ensureConversation() {
    if (state.id && state.token) return Promise.resolve();
    if (creating) return creating;
    var body = state.chosen ? { locale: state.chosen } : { browser_locale: pageLanguage() || navigator.language || "" };
    creating = request("POST", "/api/v1/widget/conversations", body).then(function (res) {
      creating = null;
      if (res.status !== 201) throw new Error("create " + res.status);
      state.id = res.data.conversation_id; state.token = res.data.token; state.language = res.data.language;
      saveState(); relabel();
    }, function (error) { creating = null; throw error; });
    return creating;
  }

  function loadHistory() {
    return request("GET", "/api/v1/widget/conversations/" + state.id + "/messages").then(function (res) {
      if (res.status === 401 || res.status === 404) { state.id = null; state.token = null; saveState(); return ensureConversation().then(loadHistory); }
      showNew(res.data.messages || []);
      if (!ui.list.children.length) greet();
      setQueue(res.data.state, res.data.position);
      connect();
    }).catch(showError);
  }

  function connect() {
    if (socket || !window.WebSocket) return;
    var url = API.replace(/^http/, "ws") + "/api/v1/widget/conversations/" + state.id + "/ws";
    socket = new WebSocket(url);
    socket.onopen = function () { socket.send(JSON.stringify({ type: "auth", token: state.token })); };
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "message" && data.message) showNew([data.message]);
      else if (data.type === "ready") setQueue(data.state, data.position);
      else if (data.type === "state") setQueue(data.state);
      else if (data.type === "queue") setQueue("waiting", data.position);
    };
    socket.onclose = function () { socket = null; setTimeout(function () { if (!ui.panel.hidden) connect(); }, 3000); };
  }

  // An empty conversation opens with a greeting in the page's language saying what the widget can
  // do. It is the widget's own text (not stored): the first real message follows it.
  function greet() {
    if (ui.greeting || ui.list.children.length) return;
    ui.greeting = addMessage({ role: "bot", text: t("greeting") });
    ui.greeting.classList.add("kk-greeting");
  }

  // Messages not shown yet, in order; then the panel scrolls to the start of the first new reply
  // (not to the bottom, where the sources and buttons are), and only the newest buttons stay live.
  function showNew(messages) {
    var firstReply = null, last = null;
    messages.forEach(function (m) {
      var item = addMessage(m);
      if (!item) return;
      last = item;
      if (!firstReply && m.role !== "user") firstReply = item;
    });
    if (!last) return;
    settleButtons();
    if (firstReply) scrollToStart(firstReply); else ui.log.scrollTop = ui.log.scrollHeight;
  }
  function scrollToStart(item) {
    ui.log.scrollTop += item.getBoundingClientRect().top - ui.log.getBoundingClientRect().top - 8;
  }
  // Buttons belong to the newest message only: older ones are disabled (and so leave the tab order),
  // so a pressed suggestion cannot be pressed again into a conversation that has moved on.
  function settleButtons() {
    var items = ui.list.children;
    var newest = items.length ? items[items.length - 1] : null;
    Array.prototype.forEach.call(ui.list.querySelectorAll(".kk-buttons"), function (group) {
      if (group.parentNode !== newest) retire(group);
    });
  }
  function retire(group) {
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
  }

  function addMessage(m) {
    if (m.id && seen[m.id]) return null;
    if (m.id) seen[m.id] = true;
    var item = el("li", { class: "kk-msg kk-" + m.role });
    var who = el("span", { class: "kk-who" }, t(m.role === "user" ? "you" : m.role));
    var body = linkified(m.text || "");
    item.appendChild(who); item.appendChild(body);
    if (m.sources && m.sources.length) {
      var label = el("p", { class: "kk-sources-label" }, t("sources"));
      var list = el("ul", { class: "kk-sources" });
      m.sources.forEach(function (s) {
        var li = el("li");
        var a = el("a", { href: safeUrl(s.url), target: "_blank", rel: "noopener noreferrer" }, s.title || s.url);
        li.appendChild(a); list.appendChild(li);
      });
      item.appendChild(label); item.appendChild(list);
    }
    if (m.buttons && m.buttons.length) {
      var group = el("div", { class: "kk-buttons", role: "group" });
      m.buttons.forEach(function (b) {
        var button = el("button", { type: "button", class: "kk-button" }, b.title);
        button.addEventListener("click", function () {
          // Pressed once: the choice stays visible, the group is spent, and focus goes back to typing.
          button.setAttribute("aria-pressed", "true");
          button.classList.add("kk-chosen");
          retire(group);
          ui.input.focus();
          send(b.title, b.payload);
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    place(item, m.id);
    return item;
  }

  // A message goes where the conversation has it (ids rise with time), not where it arrived: the socket
  // can deliver a reply before the history re-read brings the person's own message that preceded it,
  // and appending that late message would put it below the reply and retire the reply's buttons.
  function place(item, id) {
    var order = typeof id === "number" ? id : null;
    if (order !== null) {
      item.setAttribute("data-order", String(order));
      var items = ui.list.children;
      for (var i = 0; i < items.length; i++) {
        var other = items[i].getAttribute("data-order");
        if (other !== null && Number(other) > order) { ui.list.insertBefore(item, items[i]); return; }
      }
    }
    ui.list.appendChild(item);
  }

  // Plain text with its http(s) addresses as links; everything else stays a text node.
  function linkified(text) {
    var p = el("p", { class: "kk-text" });
    var pattern = /https?:\/\/[^\s<>"'）]+[^\s<>"'）.,;:!?。、]/g;
    var last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      p.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = el("a", { href: safeUrl(match[0]), target: "_blank", rel: "noopener noreferrer" }, match[0]);
      p.appendChild(a);
      last = match.index + match[0].length;
    }
    p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }

  function safeUrl(url) {
    try { var u = new URL(url, API || window.location.href); return /^https?:$/.test(u.protocol) ? u.href : "#"; }
    catch (e) { return "#"; }
  }

  function showError(err) {
    ui.error.textContent = typeof err === "string" ? err : t("error_send");
    ui.error.hidden = false;
  }

  function submit() {
    var text = ui.input.value.trim();
    if (!text) return;
    var limit = CREDENTIAL.test(text) ? MAX_CREDENTIAL_CHARS : MAX_CHARS;
    if (text.length > limit) { showError(t("error_too_long")); return; }
    ui.input.value = "";
    // Typing moves the conversation on: earlier suggestions are spent too.
    Array.prototype.forEach.call(ui.list.querySelectorAll(".kk-buttons"), retire);
    send(text, null);
  }

  // One key per message, sent again with it: the server stores and answers a re-sent message once.
  function messageKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function send(text, payload) {
    ui.error.hidden = true;
    ui.typing.hidden = false;
    var key = messageKey();
    ensureConversation().then(function () {
      connect();  // a conversation started after an erasure has no socket yet
      var body = { text: text };
      if (payload) body.payload = payload;
      var path = "/api/v1/widget/conversations/" + state.id + "/messages";
      // A request that never got an answer (the network dropped, a server process died) is sent once
      // more with the same key after a second: the person neither loses the message nor sees it twice.
      return request("POST", path, body, key).catch(function () {
        return new Promise(function (resolve) { setTimeout(resolve, 1000); }).then(function () {
          return request("POST", path, body, key);
        });
      });
    }).then(function (res) {
      ui.typing.hidden = true;
      if (res.status !== 200) { showError(res.status === 422 ? t("error_too_long") : t("error_send")); return; }
      if (res.data.language && res.data.language !== state.language) { state.language = res.data.language; saveState(); relabel(); }
      if (res.data.state === "erased") { erased(res.data.replies || []); return; }
      // The WebSocket delivers the same messages; render from the history to keep one order.
      return request("GET", "/api/v1/widget/conversations/" + state.id + "/messages").then(function (h) {
        showNew(h.data.messages || []);
        reveal(res.data.replies || []);
        setQueue(h.data.state, h.data.position);
      });
    }).catch(function () { ui.typing.hidden = true; showError(); });
  }

  // The person's data was erased at their request: nothing of the conversation is left on the server.
  // Its last reply is shown from the answer, and the next message starts a new conversation.
  function erased(replies) {
    replies.forEach(function (r) { addMessage({ role: "system", text: r.text }); });
    settleButtons();
    state.id = null; state.token = null; saveState();
    if (socket) { var old = socket; socket = null; old.onclose = null; old.close(); }
    setQueue("bot");
  }

  // A reply delivered once (a download link, a new access code) is kept masked in the history; this
  // turn's answer carries it, so the newest replies show what the answer said.
  function reveal(replies) {
    var items = Array.prototype.filter.call(ui.list.children, function (li) { return !li.classList.contains("kk-user"); });
    var start = items.length - replies.length;
    replies.forEach(function (r, i) {
      var item = items[start + i], text = item && item.querySelector(".kk-text");
      if (text && r.text && text.textContent.indexOf("\u2022\u2022\u2022\u2022") >= 0 && r.text !== text.textContent) {
        item.replaceChild(linkified(r.text), text);
      }
    });
  }

  function chooseLanguage(code) {
    state.chosen = code; state.language = code; saveState(); relabel();
    if (state.id) send((strings[code] || {})["widget.language_name"] || code, '/set_language{"language": "' + code + '"}');
  }

  fetch(API + "/api/v1/widget/i18n").then(function (r) { return r.json(); }).then(function (data) {
    strings = data; LANGS = Object.keys(data); build(); relabel();
    if (script && script.hasAttribute("data-open")) toggle(true);
  });
})();
