/*
 * bank-sandbox: what a SignIn Widget's iframe tells the page that embeds it, from the hosted
 * sign-in pages. The page's <script> tag carries the data (no inline script: the pages' CSP
 * allows scripts from this origin only):
 *   data-origin  the embedding page's origin, the only one a message is posted to;
 *   data-flow    the flow's id (each event is posted once per flow);
 *   data-events  the events this page stands for, in order: initialized, started,
 *                targetSelected, credentialEntered;
 *   data-target, data-official-name  the bank chosen (with targetSelected).
 * Messages are {"kontomatik": {"event": name, ...}}; signin-widget.js turns them into calls.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || window.parent === window) {
    return; // not framed: nobody to tell
  }
  const data = script.dataset;
  const events = (data.events || "").split(" ").filter(Boolean);

  // Each event once per flow, however often a page is shown again (a reload, the back button).
  function firstTime(event) {
    const key = "kontomatik:" + data.flow + ":" + event;
    try {
      if (window.sessionStorage.getItem(key)) {
        return false;
      }
      window.sessionStorage.setItem(key, "1");
    } catch (error) {
      // Storage refused (a third-party frame in a strict browser): post every time.
    }
    return true;
  }

  for (const event of events) {
    if (!firstTime(event)) {
      continue;
    }
    const message = { event: event };
    if (event === "targetSelected") {
      message.name = data.target || null;
      message.officialName = data.officialName || null;
    }
    window.parent.postMessage({ kontomatik: message }, data.origin);
  }
})();
