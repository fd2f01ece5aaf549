/* bank-sandbox hosted pages: small enhancements. Every page works without this file;
   it only saves round trips and clicks. No inline script anywhere, so a strict CSP fits. */
(function () {
  "use strict";

  function fold(text) {
    // "Wiślany" matches "wislany": compare without case and accents.
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  /* Bank search: filter the list as the user types or picks a country. */
  function bankSearch(form) {
    var query = form.querySelector("[name=q]");
    var country = form.querySelector("[name=country]");
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-bank]"));
    var empty = document.querySelector("[data-empty]");
    var count = document.querySelector("[data-result-count]");

    function apply() {
      var words = fold(query.value).split(/\s+/).filter(Boolean);
      var wanted = country ? country.value : "";
      var shown = 0;
      rows.forEach(function (row) {
        var name = fold(row.getAttribute("data-name") || "");
        var match = (!wanted || row.getAttribute("data-country") === wanted) &&
          words.every(function (word) { return name.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (empty) empty.hidden = shown > 0;
      if (count) count.textContent = shown + (shown === 1 ? " bank" : " banks");
    }

    query.addEventListener("input", apply);
    if (country) country.addEventListener("change", apply);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply();
    });
    apply();
  }

  /* Decoupled SCA: ask the status URL every second; move on once the bank has decided. */
  var STATUS_TEXT = {
    pending: "Waiting for your approval…",
    approved: "Approved. Taking you to the next step…",
    rejected: "The request was rejected in the bank app.",
    expired: "The request expired."
  };

  function poll(element) {
    var url = element.getAttribute("data-poll");
    var status = element.querySelector("[data-poll-status]");
    var stopped = false;

    function show(state) {
      if (!status) return;
      status.setAttribute("data-state", state);
      if (STATUS_TEXT[state] && status.textContent !== STATUS_TEXT[state]) {
        status.textContent = STATUS_TEXT[state];
      }
    }

    function ask() {
      if (stopped) return;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        })
        .then(function (answer) {
          if (answer.status === "pending") {
            show("pending");
            window.setTimeout(ask, 1000);
            return;
          }
          stopped = true;
          show(answer.status);
          if (answer.next_url) window.location.assign(answer.next_url);
        })
        .catch(function () {
          // A dropped request is no decision: try again a little later.
          window.setTimeout(ask, 2000);
        });
    }

    window.setTimeout(ask, 1000);
  }

  /* Remove a bank: the first press asks, the second one posts. Without JS it posts at once. */
  function confirmDelete(form) {
    var panel = form.querySelector("[data-confirm-panel]");
    var opener = form.querySelector("[data-confirm-open]");
    var yes = form.querySelector("[data-confirm-yes]");
    var no = form.querySelector("[data-confirm-no]");

    form.addEventListener("submit", function (event) {
      if (event.submitter === yes) return;
      event.preventDefault();
      panel.hidden = false;
      yes.focus();
    });
    no.addEventListener("click", function () {
      panel.hidden = true;
      opener.focus();
    });
  }

  /* A form posts once: a second press while the first is on its way would send it twice. */
  function submitOnce(form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      if (form.getAttribute("data-sent")) {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sent", "1");
      // Disabled later in the same turn would drop the pressed button's name from the post.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
        });
      }, 0);
    });
  }

  /* Coming back with the browser's Back button shows the page as it was left: unlock it. */
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = false;
      });
    });
  });

  /* Show or hide the password. */
  function reveal(button) {
    var input = document.getElementById(button.getAttribute("data-reveal"));
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.textContent = show ? "Hide" : "Show";
      button.setAttribute("aria-pressed", show ? "true" : "false");
      input.focus();
    });
  }

  /* Consent: at least one account must be chosen. */
  function needsOne(form) {
    var name = form.getAttribute("data-needs-one");
    var boxes = form.querySelectorAll("input[type=checkbox][name='" + name + "']");
    var message = form.querySelector("[data-needs-one-message]");
    if (!boxes.length) return;
    form.addEventListener("submit", function (event) {
      var any = Array.prototype.some.call(boxes, function (box) { return box.checked; });
      if (message) message.hidden = any;
      if (!any) {
        event.preventDefault();
        event.stopImmediatePropagation();
        boxes[0].focus();
      }
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (message && box.checked) message.hidden = true;
      });
    });
  }

  function each(selector, setup) {
    document.querySelectorAll(selector).forEach(setup);
  }

  document.documentElement.classList.add("js");
  // needsOne first: it may cancel a submit that submitOnce would otherwise lock.
  each("form[data-needs-one]", needsOne);
  each("form[data-bank-search]", bankSearch);
  each("[data-poll]", poll);
  each("form[data-confirm]", confirmDelete);
  each("form[data-submit-once]", submitOnce);
  each("[data-reveal]", reveal);
})();
