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
