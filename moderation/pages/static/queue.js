/* Keys and bulk actions for the moderator pages.  Everything here is also possible
 * without JavaScript through the plain forms; this only makes it faster:
 * j/k move, a approve, r reject (reason 1-8), e escalate, x select, c correct, u undo, ? help.
 * Only the current comment shows its action form (click a comment to make it current). */
(function () {
  "use strict";

  var live = window.ModerationLive;
  var say = live.say;
  var help = document.getElementById("keys-help");
  var rejectDialog = document.getElementById("reject-dialog");
  var bulkForm = document.getElementById("bulk");
  var current = -1;
  var rejectFor = null;  // the comments the open reject dialog is about
  var listView = (document.querySelector("ol.items") || { dataset: {} }).dataset.view;
  // a decision on a notice or an appeal was told to a reader: it is changed there, never undone
  var mayUndo = listView !== "gemeld" && listView !== "bezwaren";

  var helpButton = document.querySelector("[data-keys-help]");
  if (helpButton && help) {
    helpButton.hidden = false;
    helpButton.addEventListener("click", function () { help.showModal(); });
  }

  function items() { return Array.prototype.slice.call(document.querySelectorAll("article.item")); }

  function setCurrent(index, focus) {
    var all = items();
    if (!all.length) { current = -1; return; }
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (el) { el.classList.remove("current"); });
    var item = all[index];
    item.classList.add("current");
    current = index;
    if (focus !== false) {
      item.focus({ preventScroll: true });
      item.scrollIntoView({ block: "nearest" });
    }
  }

  function currentItem() { var all = items(); return current >= 0 && current < all.length ? all[current] : null; }

  document.addEventListener("focusin", function (event) {
    var item = event.target.closest && event.target.closest("article.item");
    if (item) {
      var index = items().indexOf(item);
      if (index >= 0 && index !== current) { setCurrent(index, false); }
    }
  });
  document.addEventListener("click", function (event) {  // a click on a comment makes it the current one
    var item = event.target.closest && event.target.closest("article.item");
    if (item && !event.target.closest("a, button, input, select, textarea, summary, label")) {
      var index = items().indexOf(item);
      if (index >= 0 && index !== current) { setCurrent(index, false); }
    }
  });

  function selectedItems() {
    return items().filter(function (item) {
      var box = item.querySelector("input.select");
      return box && box.checked;
    });
  }

  function targets() {
    var selected = selectedItems();
    if (selected.length) { return selected; }
    var item = currentItem();
    return item ? [item] : [];
  }

  function updateSelection() {
    var n = selectedItems().length;
    items().forEach(function (item) {
      var box = item.querySelector("input.select");
      item.classList.toggle("is-selected", !!(box && box.checked));
    });
    if (bulkForm) {
      bulkForm.classList.toggle("has-selection", n > 0);
      var label = bulkForm.querySelector("[data-bulk-count]");
      if (label) { label.textContent = n ? n + " geselecteerd" : ""; }
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-select-all]")) {
      items().forEach(function (item) {
        var box = item.querySelector("input.select");
        if (box) { box.checked = event.target.checked; }
      });
    }
    if (event.target.matches("input.select, [data-select-all]")) { updateSelection(); }
  });

  function plural(n) { return n.toLocaleString("nl-NL") + (n === 1 ? " reactie" : " reacties"); }

  function setTotal(delta) {
    var total = document.querySelector("[data-total]");
    if (total && !total.hasAttribute("data-capped")) {  // "10.000+" stays as it is
      var n = Math.max(0, parseInt(total.textContent.replace(/\./g, ""), 10) + delta);
      if (!isNaN(n)) { total.textContent = plural(n); }
    }
  }

  function removeItems(ids) {
    var before = current;
    ids.forEach(function (id) {
      var item = document.getElementById("c-" + id);
      if (item) { (item.closest("li") || item).remove(); }
    });
    setTotal(-ids.length);
    updateSelection();
    if (!items().length) {  // this page is done: load what comes next, keeping what was said
      live.carry();
      window.location.reload();
      return;
    }
    setCurrent(Math.min(before < 0 ? 0 : before, items().length - 1));
  }

  /* after an undo: the list read again, the comment that came back made current */
  live.onUndo(function (ids) {
    var list = document.querySelector("ol.items");
    if (!list) { window.location.reload(); return; }
    fetch(window.location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var freshList = fresh.querySelector("ol.items");
      var freshTotal = fresh.querySelector("[data-total]");
      if (!freshList) { return; }
      list.replaceWith(document.importNode(freshList, true));
      var total = document.querySelector("[data-total]");
      if (total && freshTotal) { total.textContent = freshTotal.textContent; }
      var back = ids.length ? document.getElementById("c-" + ids[0]) : null;
      updateSelection();
      setCurrent(back ? items().indexOf(back) : 0);
    });
  });

  /* not form.action: that is the form's button named "action" */
  function actionOf(form) { return form.getAttribute("action"); }

  function decided(body) {
    var done = body.done || [];
    say(body.message || body.error, body.ok ? (done.length ? "success" : "warning") : "error",
        body.ok && done.length && mayUndo ? done : null);
    if (body.ok) {
      var gone = done.concat((body.skipped || []).map(function (s) { return s.id; }));
      if (gone.length) { removeItems(gone); }
      live.refreshCounts();
    }
  }

  function urgentAmong(chosen) { return chosen.filter(function (item) { return item.hasAttribute("data-urgent"); }).length; }

  /* approving an urgent comment (a threat) asks first; then send */
  function guarded(action, chosen, send) {
    var urgent = action === "approve" ? urgentAmong(chosen) : 0;
    if (!urgent) { send(); return; }
    live.confirmUrgent(urgent).then(function (yes) {
      if (yes) { send(); } else { say("Niets veranderd: de reactie wacht nog.", "info"); }
    });
  }

  function decide(action, reason, note, explanation, chosen) {
    chosen = chosen || targets();
    if (!chosen.length) { say("Kies eerst een reactie met j en k, of selecteer er met x.", "warning"); return; }
    var data = new FormData();
    data.append("action", action);
    if (reason) { data.append("reason", reason); }
    if (note) { data.append("note", note); }
    if (explanation) { data.append("explanation", explanation); }
    data.append("expected", chosen[0].dataset.status);
    var url;
    var selected = selectedItems();
    if (chosen.length === 1 && (!selected.length || (selected.length === 1 && selected[0] === chosen[0]))) {
      url = actionOf(chosen[0].querySelector("form.decide"));
      var flag = chosen[0].querySelector('form.decide input[name="vlag"]:checked');
      if (flag && action === "approve") { data.append("vlag", flag.value); }
    } else {
      url = bulkForm ? actionOf(bulkForm) : "/decisions";
      chosen.forEach(function (item) { data.append("ids", item.dataset.id); });
    }
    guarded(action, chosen, function () {
      chosen.forEach(function (item) { item.classList.add("leaving"); });
      live.post(url, data).then(function (body) {
        chosen.forEach(function (item) { item.classList.remove("leaving"); });
        decided(body);
      });
    });
  }

  /* the plain forms, sent in place */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form.decide, form#bulk")) {
      event.preventDefault();
      var item = form.closest("article.item");
      var chosen = item ? [item] : selectedItems();
      var action = event.submitter && event.submitter.value;
      var reason = form.querySelector('select[name="reason"]');
      if (action === "reject" && reason && !reason.value && rejectDialog) { openReject(chosen); return; }
      var data = new FormData(form, event.submitter);
      guarded(action, chosen, function () {
        if (item) { item.classList.add("leaving"); }
        live.post(actionOf(form), data).then(function (body) {
          if (item) { item.classList.remove("leaving"); }
          decided(body);
        });
      });
    } else if (form.matches("details.correct form")) {
      event.preventDefault();
      var article = form.closest("article.item");
      live.post(actionOf(form), new FormData(form, event.submitter)).then(function (body) {
        say(body.message || body.error, body.ok ? "success" : "error");
        if (body.ok && article) { refreshItem(article); }
      });
    }
  });
  /* a reject button without a reason opens the dialog rather than the browser's "fill this in" */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("form.decide button.reject, form#bulk button.reject");
    if (!button || !rejectDialog) { return; }
    var reason = button.form.querySelector('select[name="reason"]');
    if (reason && !reason.value) {
      event.preventDefault();
      var item = button.closest("article.item");
      openReject(item ? [item] : selectedItems());
    }
  });

  function refreshItem(item) {
    fetch(window.location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(item.id);
      if (fresh) {
        var wasCurrent = item.classList.contains("current");
        item.replaceWith(document.importNode(fresh, true));
        var replaced = document.getElementById(item.id);
        if (wasCurrent) { replaced.classList.add("current"); replaced.focus({ preventScroll: true }); }
      }
    });
  }

  /* the reject dialog: a reason with 1-8, an optional note and explanation, Enter */
  function openReject(chosen) {
    chosen = chosen && chosen.length ? chosen : targets();
    if (!chosen.length) { say("Kies eerst een reactie met j en k, of selecteer er met x.", "warning"); return; }
    if (!rejectDialog) { return; }
    rejectFor = chosen;
    var form = rejectDialog.querySelector("form");
    form.reset();
    rejectDialog.querySelector("[data-reject-error]").hidden = true;
    rejectDialog.querySelector("[data-reject-count]").textContent = "(" + plural(chosen.length) + ")";
    var first = chosen[0].querySelector(".chip[class*='chip-']");
    var guess = chosen.length === 1 && first ? first.className.replace(/.*chip-(\w+).*/, "$1") : null;
    var radio = guess && form.querySelector('input[name="reason"][value="' + guess + '"]');
    if (radio) { radio.checked = true; }
    rejectDialog.showModal();
    (radio || form.querySelector('input[name="reason"]')).focus();
  }

  if (rejectDialog) {
    var rejectForm = rejectDialog.querySelector("form");
    rejectForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (event.submitter && event.submitter.hasAttribute("data-cancel")) { rejectDialog.close(); return; }
      var reason = rejectForm.querySelector('input[name="reason"]:checked');
      if (!reason) { rejectDialog.querySelector("[data-reject-error]").hidden = false; return; }
      var note = rejectForm.querySelector('[name="note"]').value.trim();
      var explanation = rejectForm.querySelector('[name="explanation"]').value.trim();
      rejectDialog.close();
      decide("reject", reason.value, note, explanation, rejectFor);
    });
    rejectDialog.addEventListener("keydown", function (event) {
      if (event.target.matches("input[name='note'], textarea") || event.ctrlKey || event.metaKey || event.altKey) { return; }
      var n = parseInt(event.key, 10);
      var radios = rejectForm.querySelectorAll('input[name="reason"]');
      if (n >= 1 && n <= radios.length) {
        event.preventDefault();
        radios[n - 1].checked = true;
        radios[n - 1].focus();
      } else if (event.key === "Enter" && event.target.matches("input[type='radio']")) {
        event.preventDefault();
        rejectForm.requestSubmit();
      }
    });
  }

  function correctCurrent() {
    var item = currentItem();
    if (!item) { return; }
    var details = item.querySelector("details.correct");
    details.open = true;
    details.querySelector("select").focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    var target = event.target;
    if (target.closest && (target.closest("dialog[open]") ||
        target.matches("input:not([type=checkbox]):not([type=radio]), select, textarea, [contenteditable]"))) { return; }
    if (document.querySelector("dialog[open]")) { return; }
    var key = event.key;
    if (key === "?") { event.preventDefault(); if (help) { help.showModal(); } return; }
    if (key === "u" && live.canUndo()) { event.preventDefault(); live.undo(); return; }
    if (!items().length) { return; }
    var actions = {
      j: function () { setCurrent(current + 1); },
      k: function () { setCurrent(current < 0 ? 0 : current - 1); },
      x: function () {
        if (current < 0) { setCurrent(0); }
        var box = currentItem() && currentItem().querySelector("input.select");
        if (box) { box.checked = !box.checked; updateSelection(); }
      },
      a: function () { if (current < 0 && !selectedItems().length) { setCurrent(0); } decide("approve"); },
      e: function () { if (current < 0 && !selectedItems().length) { setCurrent(0); } decide("escalate"); },
      r: function () { if (current < 0 && !selectedItems().length) { setCurrent(0); } openReject(); },
      c: function () { if (current < 0) { setCurrent(0); } correctCurrent(); }
    };
    var view = (document.querySelector("ol.items") || {}).dataset;
    if (view && ((view.view === "approved" && key === "a") || (view.view === "rejected" && key === "r") ||
                 (view.view === "escalated" && key === "e"))) { return; }
    if (actions[key]) { event.preventDefault(); actions[key](); }
  });
}());
