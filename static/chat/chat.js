/* Live chat, the person's side. Loaded only on /contact/chat/ and /backoffice/chat/.
   No cookie: the chat's bearer token stays in this tab's sessionStorage.
   Every text goes into the page with textContent, never as markup. */
(function () {
  "use strict";
  var app = document.getElementById("chat-app");
  if (!app) return;
  var startUrl = app.getAttribute("data-start-url");
  var storeKey = "shopsocial-chat:" + startUrl;
  var $ = function (id) { return document.getElementById(id); };
  var startBox = $("chat-start"), startForm = $("chat-start-form"), startError = $("chat-start-error");
  var conv = $("chat-conversation"), log = $("chat-log"), statusLine = $("chat-status");
  var typingLine = $("chat-typing"), errorLine = $("chat-error"), sendForm = $("chat-send");
  var input = $("chat-input"), fallback = $("chat-fallback");
  var token = null, socket = null, ended = false, retries = 0, seen = {}, lastTyping = 0, typingTimer = null;
  try { token = window.sessionStorage.getItem(storeKey); } catch (e) { token = null; }

  function remember(value) {
    token = value;
    try {
      if (value) window.sessionStorage.setItem(storeKey, value);
      else window.sessionStorage.removeItem(storeKey);
    } catch (e) { /* storage refused: the chat lasts as long as the page */ }
  }
  function showError(text) { errorLine.textContent = text; errorLine.hidden = !text; }
  function send(payload) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(payload)); return true; }
    return false;
  }
  function unavailable() {
    ended = true;
    startBox.hidden = true; conv.hidden = true; fallback.hidden = false;
  }
  function addMessage(m) {
    if (seen[m.id]) return;
    seen[m.id] = true;
    var li = document.createElement("div");
    li.className = "chat-msg chat-" + (m.author === "staff" ? "staff" : "customer");
    var who = document.createElement("span");
    who.className = "chat-who";
    who.textContent = m.author === "staff" ? (m.name || "Support") : "You";
    var body = document.createElement("p");
    body.className = "chat-body";
    body.textContent = m.body;
    li.appendChild(who); li.appendChild(body);
    if (m.delayed) {
      var note = document.createElement("small");
      note.textContent = " (saved; Support will see it shortly)";
      li.appendChild(note);
    }
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    if (m.author === "staff") typingLine.hidden = true;
  }
  function setState(s) {
    if (s.reference) $("chat-reference").textContent = s.reference;
    if (s.status === "waiting") statusLine.textContent = "Waiting for the next available agent… Your messages are kept as ticket " + s.reference + ".";
    else if (s.status === "active") statusLine.textContent = "You are chatting with " + (s.agent || "Support") + ".";
    else if (s.status === "closed") {
      ended = true;
      statusLine.textContent = "This chat has ended. It is kept as ticket " + s.reference + ": ask for the transcript by email below.";
      sendForm.hidden = true; $("chat-end").hidden = true; typingLine.hidden = true;
    }
  }
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try { socket = new WebSocket(scheme + window.location.host + "/ws/chat/"); }
    catch (e) { unavailable(); return; }
    socket.onopen = function () { retries = 0; send({ type: "hello", token: token }); };
    socket.onmessage = function (event) {
      var d;
      try { d = JSON.parse(event.data); } catch (e) { return; }
      if (d.type === "history") { d.messages.forEach(addMessage); }
      else if (d.type === "message") { addMessage(d); }
      else if (d.type === "state") { setState(d); }
      else if (d.type === "typing") {
        if (d.who === "staff") {
          typingLine.hidden = false;
          clearTimeout(typingTimer);
          typingTimer = setTimeout(function () { typingLine.hidden = true; }, 4000);
        }
      }
      else if (d.type === "transcript") { statusLine.textContent = "The transcript is on its way to your email."; }
      else if (d.type === "error") {
        showError(d.message);
        if (d.code === "unknown_chat") { remember(null); }
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4404) { remember(null); unavailable(); return; }
      if (ended && event.code === 1000) return;
      retries += 1;
      if (retries > 5) { unavailable(); return; }
      statusLine.textContent = "Connection lost; reconnecting…";
      setTimeout(connect, Math.min(10000, 500 * Math.pow(2, retries)));
    };
  }
  function begin() {
    startBox.hidden = true; conv.hidden = false;
    connect();
    input.focus();
  }

  startForm.addEventListener("submit", function (event) {
    event.preventDefault();
    startError.hidden = true;
    fetch(startUrl, { method: "POST", body: new FormData(startForm), credentials: "same-origin",
                      headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (d) { return { status: response.status, d: d }; });
      })
      .then(function (r) {
        if (r.d.ok) { remember(r.d.token); $("chat-reference").textContent = r.d.reference; begin(); return; }
        if (r.status === 503) { unavailable(); return; }
        if (r.status === 409) { window.location.reload(); return; }
        if (r.status === 429) { startError.textContent = "You have started several chats in a short time. Please wait, or write to us with the contact form."; }
        else {
          var texts = [];
          Object.keys(r.d.errors || {}).forEach(function (field) {
            r.d.errors[field].forEach(function (e) { texts.push(field + ": " + e.message); });
          });
          startError.textContent = texts.join(" ") || "Please check the form.";
        }
        startError.hidden = false;
      })
      .catch(function () { unavailable(); });
  });
  sendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    if (send({ type: "message", body: text })) { input.value = ""; showError(""); }
    else showError("Not connected; your message was not sent. Try again in a moment.");
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); sendForm.requestSubmit(); }
  });
  input.addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTyping > 2000) { lastTyping = now; send({ type: "typing" }); }
  });
  $("chat-transcript").addEventListener("click", function () { send({ type: "transcript" }); });
  $("chat-end").addEventListener("click", function () { send({ type: "end" }); });
  if (token) begin();
})();
