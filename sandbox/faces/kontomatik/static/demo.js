/*
 * bank-sandbox: the Kontomatik demo page's own script, as an integrator's page would have it.
 * It embeds the SignIn Widget (signin-widget.js, loaded before it), lists every callback with
 * what it received, and after onSuccess shows the curl commands a backend runs next: the
 * default import, its polling, the owner's data.
 */
(function () {
  "use strict";

  const config = document.currentScript.dataset;
  const calls = document.querySelector("[data-demo-calls]");
  const curl = document.querySelector("[data-demo-curl]");
  const form = document.querySelector("[data-demo-form]");

  function show(name, args) {
    const item = document.createElement("li");
    item.setAttribute("data-callback", name);
    item.textContent = name + "(" + args.map((arg) => JSON.stringify(arg)).join(", ") + ")";
    calls.appendChild(item);
  }

  function quoted(text) {
    return "'" + String(text).replace(/'/g, "'\\''") + "'";
  }

  function commands(sessionId, signature, ownerExternalId) {
    const key = "-H " + quoted("X-Api-Key: " + config.apiKey);
    const api = config.base + "/kontomatik/v1";
    const session =
      "sessionId=" + encodeURIComponent(sessionId) +
      "&sessionIdSignature=" + encodeURIComponent(signature);
    return [
      "# 1. Start the default import (the reply's <command id> is the import's id)",
      "curl -s " + key + " -d " + quoted(session) + " " + quoted(api + "/command/default-import.xml"),
      "",
      "# 2. Poll it every few seconds until state=\"successful\"",
      "curl -s " + key + " " + quoted(api + "/command/COMMAND_ID.xml"),
      "",
      "# 3. Everything imported for the owner",
      "curl -s " + key + " " +
        quoted(api + "/data.xml?ownerExternalId=" + encodeURIComponent(ownerExternalId)),
    ].join("\n");
  }

  function embed() {
    const chosen = new FormData(form);
    window.embedKontomatik({
      client: config.client,
      divId: "kontomatik",
      country: chosen.get("country"),
      locale: "en",
      ownerExternalId: chosen.get("ownerExternalId") || undefined,
      target: chosen.get("target") || undefined,
      accessMode: chosen.get("accessMode") || undefined,
      showFavicons: true,
      onInitialized: function () {
        show("onInitialized", []);
      },
      onStarted: function () {
        show("onStarted", []);
      },
      onTargetSelected: function (name, officialName) {
        show("onTargetSelected", [name, officialName]);
      },
      onCredentialEntered: function () {
        show("onCredentialEntered", []);
      },
      onUnsupportedTarget: function (target, country, address) {
        show("onUnsupportedTarget", [target, country, address]);
      },
      onError: function (exception, options) {
        show("onError", [exception, options]);
      },
      onSuccess: function (target, sessionId, sessionIdSignature, options) {
        show("onSuccess", [target, sessionId, sessionIdSignature, options]);
        curl.textContent = commands(sessionId, sessionIdSignature, options.ownerExternalId);
      },
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    calls.textContent = "";
    embed();
  });
  embed();
})();
