// Checkout: hide the billing address while "same as shipping" is ticked.
// Without JavaScript both blocks stay visible and the server ignores the billing
// fields when the box is ticked. Loaded from 'self' (CSP), no inline script.
(function () {
  "use strict";
  var block = document.getElementById("billing-fields");
  if (!block) return;
  var box = document.getElementById(block.getAttribute("data-same-as"));
  if (!box) return;
  // Keep the block open when the server reported an error inside it.
  var hasError = block.querySelector(".field-error") !== null;
  function sync() {
    block.hidden = box.checked && !hasError;
    if (!box.checked) hasError = false;
  }
  box.setAttribute("aria-controls", block.id);
  box.addEventListener("change", function () {
    hasError = false;
    sync();
    if (!box.checked) {
      var first = block.querySelector("input, select");
      if (first) first.focus();
    }
  });
  sync();
})();

// Live totals (issue 28): when the shipping method, state or ZIP code changes, post
// the form with action=update and swap in the summary the server renders (the same
// template as the full page). Without JavaScript the "Update totals" button does it.
(function () {
  "use strict";
  var form = document.getElementById("checkout-form");
  if (!form || !window.fetch || !window.FormData) return;
  var pending = null;
  function refresh() {
    var summary = document.getElementById("checkout-summary");
    if (!summary) return;
    var data = new FormData(form);
    data.set("action", "update");
    if (pending) pending.abort();
    pending = window.AbortController ? new AbortController() : null;
    summary.setAttribute("aria-busy", "true");
    // form.action would be the buttons named "action"; read the attribute instead.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Fragment": "checkout-summary" },
      signal: pending ? pending.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("totals " + response.status);
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#checkout-summary");
        if (fresh) summary.replaceWith(fresh);
      })
      .catch(function () {
        // Leave the figures as they are; the button and the final submit still work.
        summary.removeAttribute("aria-busy");
      });
  }
  form.addEventListener("change", function (event) {
    var name = event.target && event.target.name;
    if (name === "shipping_method" || name === "ship_state" || name === "ship_postal_code") {
      refresh();
    }
  });
})();
