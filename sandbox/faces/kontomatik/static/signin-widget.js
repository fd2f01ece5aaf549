/*
 * bank-sandbox: Kontomatik's SignIn Widget loader (https://signin.kontomatik.com/assets/
 * signin-widget.js), for the sandbox. An integration swaps the script's URL and nothing else:
 *
 *   <div id="kontomatik"></div>
 *   <script src="http://127.0.0.1:8000/kontomatik/assets/signin-widget.js"></script>
 *   embedKontomatik({client: "demo-test", divId: "kontomatik", country: "pl",
 *                    onSuccess: function (target, sessionId, sessionIdSignature, options) {…}});
 *
 * It builds an iframe of the sandbox's sign-in pages (400×560 unless `width`/`height` say
 * otherwise) in #divId and turns the iframe's messages ({"kontomatik": {...}}) into calls of
 * the callbacks. A message is heard only from that iframe's window and origin; the iframe
 * posts only to this page's origin, which it is told when it starts.
 *
 * Plain ES2017, no dependencies, nothing global but embedKontomatik and embedKontox.
 */
(function (global) {
  "use strict";

  const WIDTH = 400;
  const HEIGHT = 560;
  // The options that go into the iframe's URL, as the sign-in entry spells them.
  const PASSED = ["client", "country", "locale", "ownerExternalId", "showFavicons", "target"];
  const ACCESS_MODES = ["SINGLE", "MULTIPLE", "MIXED"];

  // Where this script came from: the sign-in pages are served by the same sandbox.
  const loadedFrom = document.currentScript ? document.currentScript.src : global.location.href;
  // One widget per div: embedding again into the same div replaces the first.
  const embedded = {};

  function serviceUrl() {
    // Kontomatik's own override, a URL the parameters are appended to.
    const override = global.internal_kx_service_url;
    if (typeof override === "string" && override) {
      return override;
    }
    return new URL("/kontomatik/signin?", loadedFrom).href;
  }

  function accessMode(options) {
    // `accessMode`, or the Redirection API's spelling `psd2: {accessMode}`.
    const given = options.accessMode || (options.psd2 && options.psd2.accessMode);
    if (!given) {
      return null;
    }
    const mode = String(given).toUpperCase();
    if (ACCESS_MODES.indexOf(mode) < 0) {
      throw new Error("embedKontomatik: accessMode must be one of " + ACCESS_MODES.join(", "));
    }
    return mode;
  }

  function frameUrl(options) {
    const query = new URLSearchParams();
    for (const name of PASSED) {
      if (options[name] !== undefined && options[name] !== null && options[name] !== "") {
        query.set(name, String(options[name]));
      }
    }
    const mode = accessMode(options);
    if (mode) {
      query.set("accessMode", mode);
    }
    query.set("origin", global.location.origin); // where the iframe may post, and who may frame it
    const base = serviceUrl();
    const joiner = /[?&]$/.test(base) ? "" : base.indexOf("?") >= 0 ? "&" : "?";
    return base + joiner + query.toString();
  }

  function size(value, fallback) {
    if (value === undefined || value === null || value === "") {
      return fallback + "px";
    }
    return typeof value === "number" ? value + "px" : String(value);
  }

  // Calls a callback the integrator may not have given; an exception in it is reported, not
  // swallowed, and does not stop the widget.
  function call(callback, args) {
    if (typeof callback !== "function") {
      return;
    }
    try {
      callback.apply(null, args);
    } catch (error) {
      setTimeout(function () {
        throw error;
      });
    }
  }

  // One message from the iframe to the callbacks.
  function dispatch(options, message) {
    if (message.sessionId) {
      call(options.onSuccess, [
        message.target,
        message.sessionId,
        message.sessionIdSignature,
        message.options || {},
      ]);
    } else if (message.error) {
      call(options.onError, [message.error.exception, message.error.options || {}]);
    } else if (message.unsupportedTarget) {
      const unsupported = message.unsupportedTarget;
      call(options.onUnsupportedTarget, [
        unsupported.target,
        unsupported.country,
        unsupported.address,
      ]);
    } else if (message.event === "initialized") {
      call(options.onInitialized, []);
    } else if (message.event === "started") {
      call(options.onStarted, []);
    } else if (message.event === "targetSelected") {
      call(options.onTargetSelected, [message.name, message.officialName]);
    } else if (message.event === "credentialEntered") {
      call(options.onCredentialEntered, []);
    }
  }

  function embedKontomatik(options) {
    if (!options || !options.client || !options.divId) {
      throw new Error("embedKontomatik: `client` and `divId` are required");
    }
    const div = document.getElementById(options.divId);
    if (!div) {
      throw new Error("embedKontomatik: no element with id " + JSON.stringify(options.divId));
    }
    if (embedded[options.divId]) {
      embedded[options.divId].remove();
    }

    const iframe = document.createElement("iframe");
    iframe.src = frameUrl(options);
    iframe.title = "Sign in to your bank";
    iframe.style.width = size(options.width, WIDTH);
    iframe.style.height = size(options.height, HEIGHT);
    iframe.style.border = "0";
    const frameOrigin = new URL(iframe.src, global.location.href).origin;

    function heard(event) {
      // Only the iframe itself, from its own origin: any other window or origin is ignored.
      if (event.source !== iframe.contentWindow || event.origin !== frameOrigin) {
        return;
      }
      const data = event.data;
      if (!data || typeof data !== "object" || !data.kontomatik) {
        return;
      }
      dispatch(options, data.kontomatik);
    }

    global.addEventListener("message", heard);
    div.textContent = "";
    div.appendChild(iframe);
    const widget = {
      iframe: iframe,
      remove: function () {
        global.removeEventListener("message", heard);
        if (iframe.parentNode) {
          iframe.parentNode.removeChild(iframe);
        }
        delete embedded[options.divId];
      },
    };
    embedded[options.divId] = widget;
    return widget;
  }

  global.embedKontomatik = embedKontomatik;
  // The widget's old name, still called by older integrations.
  global.embedKontox = function (options) {
    if (global.console && global.console.warn) {
      global.console.warn("embedKontox is deprecated: call embedKontomatik");
    }
    return embedKontomatik(options);
  };
})(window);
