/* What the moderator pages do in place, shared by queue.js: messages as a toast in view,
 * the navigation's counters, undo ("Ongedaan maken", key u), the urgent-approval dialog
 * and the phone menu.  Without JavaScript the plain forms do all of it. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var messages = document.getElementById("messages");
  var UNDO_MS = 10000;
  var undoable = null;  // {ids, until}: the last decision made here, while it may be undone
  var CARRIED = "moderation-messages";

  function post(url, data) {
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRF-Token": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, message: "Onverwacht antwoord van de server (" + response.status + ")." };
      }).then(function (body) {
        if (response.status === 401) { body.message = "Je sessie is verlopen. Laad de pagina opnieuw en log in."; }
        body.ok = response.ok && body.ok !== false;
        return body;
      });
    }).catch(function () {
      return { ok: false, message: "Geen verbinding met de server; er is niets veranderd." };
    });
  }

  /* a message in a toast at the bottom of the screen, where the moderator is working */
  function say(text, kind, undoIds) {
    if (!messages || !text) { return; }
    var p = document.createElement("p");
    p.className = "message message-" + (kind || "info");
    p.textContent = text;
    if (undoIds && undoIds.length) {
      undoable = { ids: undoIds.slice(), until: Date.now() + UNDO_MS };
      var button = document.createElement("button");
      button.type = "button";
      button.className = "undo-button";
      button.textContent = "Ongedaan maken";
      button.setAttribute("aria-keyshortcuts", "u");
      button.addEventListener("click", function () { undo(); });
      p.appendChild(document.createTextNode(" "));
      p.appendChild(button);
      p.dataset.undo = undoIds.join(",");
    }
    messages.appendChild(p);
    while (messages.children.length > 3) { messages.removeChild(messages.firstElementChild); }
    window.setTimeout(function () { p.remove(); }, undoIds && undoIds.length ? UNDO_MS : 8000);
  }

  function carry() {  // the page reloads: what was said (and the undo) goes along
    var said = Array.prototype.map.call(messages ? messages.querySelectorAll("p.message") : [], function (p) {
      return [p.textContent.replace(/ Ongedaan maken$/, ""), p.className.replace("message message-", "")];
    });
    try {
      window.sessionStorage.setItem(CARRIED, JSON.stringify({ said: said, undo: undoable }));
    } catch (e) { /* private mode */ }
  }

  try {
    var carried = JSON.parse(window.sessionStorage.getItem(CARRIED) || "{}");
    window.sessionStorage.removeItem(CARRIED);
    var last = carried.undo && carried.undo.until > Date.now() ? carried.undo : null;
    (carried.said || []).forEach(function (m, i, all) {
      say(String(m[0]), String(m[1]), last && i === all.length - 1 ? last.ids : null);
    });
    if (last) { undoable = last; }
  } catch (e) { /* nothing carried over */ }

  /* the navigation's counts, read again after every decision */
  function refreshCounts() {
    return fetch("/queue/tellers", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        Object.keys(counts).forEach(function (name) {
          var holder = document.querySelector('[data-count-of="' + name + '"] a');
          var span = holder ? holder.querySelector(".count") : document.querySelector('[data-count="' + name + '"]');
          if (!span && holder && counts[name]) {
            span = document.createElement("span");
            span.className = "count";
            holder.appendChild(document.createTextNode(" "));
            holder.appendChild(span);
          }
          if (span) { span.textContent = String(counts[name]); }
        });
      }).catch(function () { /* the counts stay as they were */ });
  }

  /* undo the last decision: the comments come back where they were */
  var afterUndo = function () { window.location.reload(); };
  function undo() {
    if (!undoable || undoable.until < Date.now()) {
      undoable = null;
      say("Er is geen beslissing meer om ongedaan te maken.", "warning");
      return;
    }
    var data = new FormData();
    undoable.ids.forEach(function (id) { data.append("ids", id); });
    var ids = undoable.ids;
    undoable = null;
    Array.prototype.forEach.call(messages.querySelectorAll("[data-undo]"), function (p) { p.remove(); });
    post("/decisions/undo", data).then(function (body) {
      say(body.message || body.error, body.ok ? "success" : "warning");
      refreshCounts();
      if (body.ok) { afterUndo(body.done || ids); }
    });
  }

  /* "approve an urgent comment?": resolves true only when the moderator confirms */
  function confirmUrgent(n) {
    var dialog = document.getElementById("urgent-dialog");
    if (!dialog) { return Promise.resolve(true); }
    var text = dialog.querySelector("[data-urgent-text]");
    if (text) {
      text.textContent = n > 1
        ? n + " van de gekozen reacties zijn als urgent gemarkeerd: mogelijk bedreigingen. Weet je zeker dat ze online mogen?"
        : "Deze reactie is als urgent gemarkeerd: mogelijk een bedreiging. Weet je zeker dat ze online mag?";
    }
    return new Promise(function (resolve) {
      dialog.returnValue = "";
      dialog.addEventListener("close", function done() {
        dialog.removeEventListener("close", done);
        resolve(dialog.returnValue === "confirm");
      });
      dialog.showModal();
    });
  }

  /* the phone menu: folded away behind one button */
  var menuButton = document.querySelector("[data-menu]");
  if (menuButton) {
    menuButton.hidden = false;
    menuButton.addEventListener("click", function () {
      var open = menuButton.getAttribute("aria-expanded") !== "true";
      menuButton.setAttribute("aria-expanded", String(open));
      document.documentElement.classList.toggle("menu-open", open);
    });
  }
  var offer = document.querySelector("[data-undo-offer]");  // the plain form's offer: the toast does it here
  if (offer) { offer.remove(); }

  window.ModerationLive = {
    post: post, say: say, carry: carry, refreshCounts: refreshCounts, undo: undo, confirmUrgent: confirmUrgent,
    canUndo: function () { return !!(undoable && undoable.until > Date.now()); },
    onUndo: function (fn) { afterUndo = fn; }
  };
}());
