/* Support console: the queue, several claimed chats, typing, canned replies, closing.
   Text is always put in the page with textContent. */
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var statusLine = $("console-status"), queueList = $("queue"), mine = $("mine");
  var template = $("chat-panel-template");
  var socket = null, retries = 0, canned = [], outcomes = [], panels = {}, pingTimer = null;

  function send(payload) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(payload)); return true; }
    return false;
  }
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }
  function renderQueue(queue) {
    queueList.textContent = "";
    $("queue-count").textContent = "(" + queue.length + ")";
    $("queue-empty").hidden = queue.length > 0;
    queue.forEach(function (c) {
      var li = document.createElement("li");
      li.className = "queue-item";
      li.appendChild(text("strong", c.name));
      li.appendChild(text("span", " · " + c.topic + " · " + (c.retailer || c.site) + " · since " + c.waiting_since));
      var button = text("button", "Claim");
      button.type = "button";
      button.setAttribute("aria-label", "Claim chat with " + c.name);
      button.addEventListener("click", function () { button.disabled = true; send({ type: "claim", chat: c.id }); });
      li.appendChild(button);
      queueList.appendChild(li);
    });
  }
  function addMessage(panel, m) {
    if (panel.seen[m.id]) return;
    panel.seen[m.id] = true;
    var li = document.createElement("div");
    li.className = "chat-msg chat-" + (m.author === "staff" ? "staff" : "customer");
    li.appendChild(text("span", m.author === "staff" ? (m.name || "Support") : panel.name, "chat-who"));
    li.appendChild(text("p", m.body, "chat-body"));
    panel.log.appendChild(li);
    panel.log.scrollTop = panel.log.scrollHeight;
    if (m.author === "customer") panel.typing.hidden = true;
  }
  function openPanel(c) {
    var panel = panels[c.id];
    if (!panel) {
      var node = template.content.firstElementChild.cloneNode(true);
      panel = panels[c.id] = { node: node, seen: {}, name: c.name, lastTyping: 0, timer: null,
        log: node.querySelector(".chat-log"), typing: node.querySelector(".chat-typing"),
        error: node.querySelector(".cc-error"), input: node.querySelector(".cc-input") };
      node.setAttribute("data-chat", c.id);
      node.querySelector(".cc-title").textContent = c.name;
      node.querySelector(".cc-meta").textContent = c.email + " · " + c.topic + " · " + (c.retailer || c.site);
      var link = node.querySelector(".cc-ticket-link");
      link.textContent = c.reference; link.href = c.ticket_admin_url; link.target = "_blank";
      var earlier = node.querySelector(".cc-earlier-list");
      node.querySelector(".cc-earlier-count").textContent = "(" + c.earlier_tickets.length + ")";
      c.earlier_tickets.forEach(function (t) {
        var li = document.createElement("li");
        var a = text("a", t.reference); a.href = t.admin_url; a.target = "_blank";
        li.appendChild(a);
        li.appendChild(text("span", " " + t.opened + " · " + t.topic + " · " + t.status));
        earlier.appendChild(li);
      });
      var select = node.querySelector(".cc-canned");
      canned.forEach(function (r) { var o = text("option", r.title); o.value = r.id; select.appendChild(o); });
      select.addEventListener("change", function () {
        var reply = canned.filter(function (r) { return String(r.id) === select.value; })[0];
        if (reply) { panel.input.value = reply.body; panel.input.focus(); }
        select.value = "";
      });
      var outcome = node.querySelector(".cc-outcome");
      outcomes.forEach(function (o) { var opt = text("option", o.label); opt.value = o.value; outcome.appendChild(opt); });
      node.querySelector(".cc-send").addEventListener("submit", function (event) {
        event.preventDefault();
        var body = panel.input.value.trim();
        if (body && send({ type: "message", chat: c.id, body: body })) panel.input.value = "";
      });
      panel.input.addEventListener("input", function () {
        var now = Date.now();
        if (now - panel.lastTyping > 2000) { panel.lastTyping = now; send({ type: "typing", chat: c.id }); }
      });
      panel.input.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); node.querySelector(".cc-send").requestSubmit(); }
      });
      node.querySelector(".cc-close").addEventListener("submit", function (event) {
        event.preventDefault();
        send({ type: "close", chat: c.id, outcome: outcome.value });
      });
      mine.appendChild(node);
    }
    (c.messages || []).forEach(function (m) { addMessage(panel, m); });
    $("mine-empty").hidden = true;
    return panel;
  }
  function closedPanel(d) {
    var panel = panels[d.chat];
    if (!panel) return;
    panel.node.classList.add("is-closed");
    panel.node.querySelector(".cc-send").hidden = true;
    panel.node.querySelector(".cc-close").hidden = true;
    var note = text("p", "Closed (" + d.outcome + "). Ticket " + d.reference + ".", "cc-closed");
    var dismiss = text("button", "Dismiss"); dismiss.type = "button";
    dismiss.addEventListener("click", function () {
      panel.node.remove(); delete panels[d.chat];
      $("mine-empty").hidden = Object.keys(panels).length > 0;
    });
    note.appendChild(dismiss);
    panel.node.appendChild(note);
  }
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/support/");
    socket.onopen = function () {
      // "Online" once the snapshot arrives: the server has then joined every chat of
      // ours, so nothing a shopper sends from here on can miss this console.
      retries = 0; statusLine.textContent = "Connected; loading your chats…";
      clearInterval(pingTimer);
      pingTimer = setInterval(function () { send({ type: "ping" }); }, 30000);
    };
    socket.onmessage = function (event) {
      var d;
      try { d = JSON.parse(event.data); } catch (e) { return; }
      if (d.type === "snapshot") {
        canned = d.canned; outcomes = d.outcomes;
        renderQueue(d.queue); d.mine.forEach(openPanel);
        statusLine.textContent = "Online: you are taking chats.";
      } else if (d.type === "queue") { renderQueue(d.queue); }
      else if (d.type === "chat") { openPanel(d); }
      else if (d.type === "message") { if (panels[d.chat]) addMessage(panels[d.chat], d); }
      else if (d.type === "typing") {
        var p = panels[d.chat];
        if (p && d.who === "customer") {
          p.typing.hidden = false; clearTimeout(p.timer);
          p.timer = setTimeout(function () { p.typing.hidden = true; }, 4000);
        }
      } else if (d.type === "state") {
        if (d.status === "closed") closedPanel(d);
      } else if (d.type === "error") {
        var target = d.chat && panels[d.chat];
        if (target) { target.error.textContent = d.message; target.error.hidden = false; }
        else statusLine.textContent = d.message;
      }
    };
    socket.onclose = function (event) {
      clearInterval(pingTimer);
      if (event.code === 4403 || event.code === 1006 && retries > 3) {
        statusLine.textContent = "Not connected. Sign in to the admin with a Support account, then reload.";
        if (event.code === 4403) return;
      }
      retries += 1;
      statusLine.textContent = "Connection lost; reconnecting…";
      setTimeout(connect, Math.min(15000, 500 * Math.pow(2, retries)));
    };
  }
  connect();
})();
