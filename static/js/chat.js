/*
 * Agora workshop room: the live client.
 *
 * The page already shows the history and a plain form (it works without
 * JavaScript). This script connects to the /chat namespace, receives new
 * messages, and sends the form's messages through the socket. Messages typed
 * while offline wait in a queue kept in localStorage and go out once the
 * connection is back; each carries a client_id, so a retry is never stored
 * twice. After a reconnection the client asks for everything after the last
 * sequence number it saw.
 */
(function () {
  "use strict";

  var history = document.getElementById("chat-history");
  if (!history || typeof io === "undefined") { return; }

  var room = history.dataset.room;
  var me = history.dataset.username;
  var editWindowMs = 10 * 60 * 1000;
  var strings = JSON.parse(document.getElementById("chat-strings").textContent);
  var form = document.getElementById("chat-form");
  var body = form ? form.querySelector("textarea") : null;
  var statusBox = document.getElementById("chat-connection");
  var presenceList = document.getElementById("chat-presence");
  var typingBox = document.getElementById("chat-typing");
  var handsList = document.getElementById("chat-hands");
  var pinnedBox = document.getElementById("chat-pinned");
  var replyBox = document.getElementById("chat-replying");
  var errorBox = document.getElementById("chat-error");
  var olderButton = document.getElementById("chat-older");
  var handButton = document.getElementById("chat-hand");
  var facilitatorPanel = document.getElementById("chat-facilitate");

  var queueKey = "agora-chat-queue:" + room;
  var lastSeq = parseInt(history.dataset.lastSeq || "0", 10);
  var firstSeq = null;
  var replyTo = null;
  var handRaised = false;
  var typingTimer = null;
  var lastTypingSent = 0;

  var socket = io("/chat", { transports: ["websocket", "polling"] });

  // Small helpers ------------------------------------------------------------

  function text(key, values) {
    var template = strings[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      template = template.replace("%(" + name + ")s", values[name]);
    });
    return template;
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function readQueue() {
    try { return JSON.parse(localStorage.getItem(queueKey) || "[]"); }
    catch (error) { return []; }
  }

  function writeQueue(queue) {
    try { localStorage.setItem(queueKey, JSON.stringify(queue)); }
    catch (error) { /* private mode: the queue lives in memory only */ }
    memoryQueue = queue;
  }

  var memoryQueue = readQueue();

  function newClientId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  // The log is a scrolled box: a reader at its end stays there as messages
  // arrive; one who scrolled back to read earlier ones is left in peace.
  function atEnd() {
    return history.scrollHeight - history.scrollTop - history.clientHeight < 40;
  }

  function scrollToEnd() { history.scrollTop = history.scrollHeight; }

  function setConnection(online) {
    statusBox.textContent = online ? strings.online : strings.offline;
    statusBox.classList.toggle("chat-connection--offline", !online);
  }

  // Rendering messages -------------------------------------------------------

  function renderMessage(message) {
    var item = document.getElementById("message-" + message.id);
    var isNew = !item;
    var stayAtEnd = atEnd();
    if (isNew) {
      item = element("li", "chat-message");
      item.id = "message-" + message.id;
    }
    item.dataset.seq = message.seq;
    item.textContent = "";
    var meta = element("p", "meta");
    var author = element("bdi", null, message.author.display_name || strings.former_member);
    meta.appendChild(author);
    var time = element("time", null, new Date(message.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    time.dateTime = message.created_at;
    meta.appendChild(document.createTextNode(" · "));
    meta.appendChild(time);
    if (message.edited_at && !message.deleted) {
      meta.appendChild(document.createTextNode(" · " + strings.edited));
    }
    item.appendChild(meta);
    if (message.reply_to) {
      var quote = element("blockquote", "chat-quote");
      quote.appendChild(element("bdi", null, message.reply_to.author || ""));
      quote.appendChild(document.createTextNode(": " + (message.reply_to.excerpt || strings.deleted)));
      item.appendChild(quote);
    }
    if (message.deleted) {
      item.appendChild(element("p", "meta", strings.deleted));
    } else {
      var content = element("div", "chat-body");
      content.dir = "auto";
      content.innerHTML = message.body_html; // sanitised by the server
      item.appendChild(content);
      item.appendChild(actionsFor(message));
    }
    if (isNew) { insertInOrder(item, message.seq); }
    if (isNew && stayAtEnd) { scrollToEnd(); }
    var pending = document.getElementById("pending-" + message.client_id);
    if (pending && message.author.username === me) { pending.remove(); }
    lastSeq = Math.max(lastSeq, message.changed_seq || message.seq);
    if (firstSeq === null || message.seq < firstSeq) { firstSeq = message.seq; }
    var empty = history.querySelector(".empty");
    if (empty) { empty.remove(); }
  }

  function insertInOrder(item, seq) {
    var children = history.querySelectorAll("li[data-seq]");
    for (var i = 0; i < children.length; i++) {
      if (parseInt(children[i].dataset.seq, 10) > seq) {
        history.insertBefore(item, children[i]);
        return;
      }
    }
    var firstPending = history.querySelector(".chat-message--pending");
    history.insertBefore(item, firstPending);
  }

  function actionsFor(message) {
    var actions = element("div", "chat-actions");
    actions.appendChild(actionButton(strings.reply, function () { startReply(message); }));
    var own = message.author.username === me;
    var recent = Date.now() - new Date(message.created_at).getTime() < editWindowMs;
    if (own && recent) {
      actions.appendChild(actionButton(strings.edit, function () { startEdit(message); }));
    }
    if ((own && recent) || canFacilitate) {
      actions.appendChild(actionButton(strings.delete, function () {
        if (window.confirm(strings.confirm_delete)) {
          call("delete_message", { room: room, id: message.id });
        }
      }));
    }
    if (canFacilitate) {
      actions.appendChild(actionButton(strings.pin, function () {
        call("facilitate", { room: room, action: "pin", message_id: message.id });
      }));
      if (!own && message.author.username) {
        actions.appendChild(actionButton(strings.mute, function () {
          call("facilitate", { room: room, action: "mute", username: message.author.username, minutes: 5 });
        }));
        actions.appendChild(actionButton(strings.remove, function () {
          if (window.confirm(strings.confirm_remove)) {
            call("facilitate", { room: room, action: "remove", username: message.author.username });
          }
        }));
      }
    }
    return actions;
  }

  function actionButton(label, onClick) {
    var button = element("button", "link-button", label);
    button.type = "button";
    button.addEventListener("click", onClick);
    return button;
  }

  function renderPending(entry) {
    if (document.getElementById("pending-" + entry.client_id)) { return; }
    var item = element("li", "chat-message chat-message--pending");
    item.id = "pending-" + entry.client_id;
    item.appendChild(element("p", "meta", strings.waiting));
    var content = element("div", "chat-body", entry.body);
    content.dir = "auto";
    item.appendChild(content);
    history.appendChild(item);
    scrollToEnd();
  }

  // Sending -----------------------------------------------------------------

  function call(event, data, done) {
    socket.timeout(10000).emit(event, data, function (error, ack) {
      if (error) { if (done) { done(null); } return; }
      if (!ack.ok) { showError(ack.message); }
      if (done) { done(ack); }
    });
  }

  function flushQueue() {
    if (!socket.connected) { return; }
    memoryQueue.forEach(function (entry) {
      call("send_message", { room: room, body: entry.body, client_id: entry.client_id, reply_to: entry.reply_to }, function (ack) {
        if (!ack) { return; } // no answer: keep it queued, try again later
        writeQueue(memoryQueue.filter(function (e) { return e.client_id !== entry.client_id; }));
        if (!ack.ok) {
          var pending = document.getElementById("pending-" + entry.client_id);
          if (pending) { pending.remove(); }
        }
      });
    });
  }

  function startReply(message) {
    replyTo = message.id;
    replyBox.hidden = false;
    replyBox.querySelector("span").textContent = text("replying_to", { name: message.author.display_name || "" });
    body.focus();
  }

  function cancelReply() {
    replyTo = null;
    replyBox.hidden = true;
  }

  function startEdit(message) {
    var item = document.getElementById("message-" + message.id);
    var content = item.querySelector(".chat-body");
    var editor = element("form", "chat-edit");
    var label = element("label", "visually-hidden", strings.edit);
    var field = element("textarea");
    field.id = "edit-" + message.id;
    label.htmlFor = field.id;
    field.value = content.textContent;
    field.rows = 2;
    var save = element("button", "button button--small", strings.save);
    save.type = "submit";
    editor.appendChild(label);
    editor.appendChild(field);
    editor.appendChild(save);
    editor.addEventListener("submit", function (event) {
      event.preventDefault();
      call("edit_message", { room: room, id: message.id, body: field.value });
    });
    content.replaceWith(editor);
    field.focus();
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = body.value.trim();
      if (!value) { return; }
      var entry = { body: value, client_id: newClientId(), reply_to: replyTo };
      writeQueue(memoryQueue.concat([entry]));
      renderPending(entry);
      body.value = "";
      cancelReply();
      showError("");
      flushQueue();
    });
    // Enter sends, Shift+Enter starts a new line (as in most chats).
    body.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    body.addEventListener("input", function () {
      var now = Date.now();
      if (socket.connected && now - lastTypingSent > 3000) {
        lastTypingSent = now;
        socket.emit("typing", { room: room });
      }
    });
  }

  document.getElementById("chat-cancel-reply").addEventListener("click", cancelReply);

  // The page shows the latest messages; sequence numbers start at 1, so
  // there are earlier ones only while the first one shown is after 1.
  var firstShown = history.querySelector("li[data-seq]");
  if (firstShown) { firstSeq = parseInt(firstShown.dataset.seq, 10); }

  function showOlderButton() {
    olderButton.hidden = !(firstSeq > 1);
  }

  if (olderButton) {
    showOlderButton();
    olderButton.addEventListener("click", function () {
      if (firstSeq === null) { return; }
      call("history", { room: room, before_seq: firstSeq }, function (ack) {
        if (!ack || !ack.ok) { return; }
        ack.messages.forEach(renderMessage);
        if (ack.messages.length) { showOlderButton(); } else { olderButton.hidden = true; }
      });
    });
  }

  if (handButton) {
    handButton.addEventListener("click", function () {
      call("raise_hand", { room: room, raised: !handRaised });
    });
  }

  if (facilitatorPanel) {
    facilitatorPanel.addEventListener("click", function (event) {
      var action = event.target.dataset && event.target.dataset.action;
      if (!action) { return; }
      var data = { room: room, action: action };
      if (action === "slow_mode") {
        data.seconds = parseInt(document.getElementById("chat-slow-seconds").value || "0", 10);
      }
      call("facilitate", data);
    });
  }

  // Receiving ---------------------------------------------------------------

  var canFacilitate = false;

  function renderStatus(status) {
    pinnedBox.textContent = "";
    pinnedBox.hidden = !status.pinned;
    if (status.pinned) {
      pinnedBox.appendChild(element("h3", null, strings.pinned));
      var pinnedBody = element("div", "chat-body");
      pinnedBody.dir = "auto";
      pinnedBody.innerHTML = status.pinned.body_html; // sanitised by the server
      pinnedBox.appendChild(pinnedBody);
    }
    handsList.textContent = "";
    status.hands.forEach(function (person) {
      var item = element("li");
      item.appendChild(element("bdi", null, person.display_name));
      if (canFacilitate) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(actionButton(strings.lower_hand, function () {
          call("facilitate", { room: room, action: "clear_hand", username: person.username });
        }));
      }
      handsList.appendChild(item);
    });
    handRaised = status.hands.some(function (person) { return person.username === me; });
    if (handButton) { handButton.textContent = handRaised ? strings.lower_my_hand : strings.raise_hand; }
    var notes = [];
    if (status.locked) { notes.push(strings.locked); }
    if (status.slow_mode_seconds) { notes.push(text("slow_mode", { n: status.slow_mode_seconds })); }
    document.getElementById("chat-room-notes").textContent = notes.join(" · ");
  }

  socket.on("connect", function () {
    setConnection(true);
    call("join", { room: room, after_seq: lastSeq }, function (ack) {
      if (!ack || !ack.ok) { return; }
      canFacilitate = ack.can_facilitate;
      if (facilitatorPanel) { facilitatorPanel.hidden = !canFacilitate; }
      ack.messages.forEach(renderMessage);
      renderStatus(ack.status);
      memoryQueue.forEach(renderPending);
      flushQueue();
    });
  });

  // Redis, which carries messages between the servers, went away: messages
  // from people on other servers wait. Once it is back, fetch everything
  // after the last message seen before it went (later ones may have gaps).
  var resumeSeq = null;
  socket.on("relay_lost", function () {
    if (resumeSeq === null) { resumeSeq = lastSeq; }
    statusBox.textContent = strings.reconnecting;
    statusBox.classList.add("chat-connection--offline");
  });
  socket.on("relay_restored", function () {
    var after = resumeSeq === null ? lastSeq : resumeSeq;
    resumeSeq = null;
    call("join", { room: room, after_seq: after }, function (ack) {
      if (!ack || !ack.ok) { return; }
      ack.messages.forEach(renderMessage);
      setConnection(true);
    });
  });

  socket.on("disconnect", function () { setConnection(false); });
  socket.io.on("reconnect_attempt", function () { setConnection(false); });
  window.addEventListener("online", function () { if (!socket.connected) { socket.connect(); } });

  socket.on("message_created", renderMessage);
  socket.on("message_edited", renderMessage);
  socket.on("message_deleted", renderMessage);
  socket.on("room_updated", renderStatus);

  socket.on("presence", function (data) {
    presenceList.textContent = "";
    data.members.forEach(function (person) {
      var item = element("li");
      item.appendChild(element("bdi", null, person.display_name));
      presenceList.appendChild(item);
    });
    var unnamed = (data.count || 0) - data.members.length;
    if (unnamed > 0) {
      presenceList.appendChild(element("li", "meta", text("presence_more", { n: unnamed })));
    }
  });

  socket.on("typing", function (data) {
    typingBox.textContent = text("typing", { name: data.display_name });
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingBox.textContent = ""; }, 4000);
  });

  socket.on("participant_removed", function (data) {
    if (data.username === me) {
      showError(strings.removed);
      socket.disconnect();
    }
  });

  // Keep presence alive while the page is open.
  setInterval(function () {
    if (socket.connected) { socket.emit("heartbeat", {}); }
  }, 45000);

  scrollToEnd();
  memoryQueue.forEach(renderPending);
  setConnection(false);
})();
