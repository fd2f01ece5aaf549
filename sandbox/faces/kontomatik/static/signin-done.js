/*
 * bank-sandbox: the last page of a SignIn Widget's iframe (the sign-in's outcome, or a target
 * the sandbox does not have) posts its message to the embedding page. The <script> tag carries
 * it: data-origin (the embedding page's origin, recorded when the sign-in started: the message
 * never goes anywhere else) and data-message (the JSON of {"kontomatik": {...}}).
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || window.parent === window) {
    return;
  }
  const message = JSON.parse(script.dataset.message);
  window.parent.postMessage(message, script.dataset.origin);
})();
