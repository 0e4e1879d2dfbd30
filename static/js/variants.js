// Variant picker: as the shopper picks an option, show that variant's price, stock, SKU
// and picture. Only an enhancement: without it the radio groups post with the form and
// the server resolves the variant. Self-hosted, no inline script (CSP 'self'); the
// variants come from a JSON data block rendered by json_script.
(function () {
  "use strict";

  var data = document.getElementById("variant-data");
  var form = document.querySelector("[data-variant-form]");
  if (!data || !form) { return; }
  var variants = JSON.parse(data.textContent);
  var price = document.querySelector("[data-variant-price]");
  var sku = document.querySelector("[data-variant-sku]");
  var stock = document.querySelector("[data-variant-stock]");
  var button = form.querySelector("button[type=submit]");
  var quantity = form.querySelector("input[name=quantity]");
  var groups = Array.prototype.slice.call(form.querySelectorAll("fieldset.variant-option"));
  var currency = price ? price.querySelector(".currency") : null;

  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  form.appendChild(live);

  function chosen() {
    return groups.map(function (group) {
      var checked = group.querySelector("input[type=radio]:checked");
      return checked ? checked.value : "";
    });
  }

  function find(values) {
    for (var i = 0; i < variants.length; i++) {
      var v = variants[i];
      if (v.options.every(function (value, j) { return value === values[j]; })) { return v; }
    }
    return null;
  }

  function setStock(text, inStock) {
    stock.textContent = "";
    var p = document.createElement("p");
    p.className = "stock " + (inStock ? "stock-in" : "stock-out");
    p.textContent = text;
    stock.appendChild(p);
  }

  function showPicture(variant) {
    var thumb = document.querySelector('[data-gallery-thumb][data-variant="' + variant.id + '"]');
    if (thumb) { thumb.click(); }
  }

  function update() {
    var values = chosen();
    if (values.indexOf("") !== -1) { return; }
    var variant = find(values);
    if (!variant) {
      setStock("This combination is not available", false);
      button.disabled = true;
      live.textContent = values.join(", ") + " is not available.";
      return;
    }
    price.innerHTML = "";
    price.appendChild(document.createTextNode("$" + variant.price + " "));
    if (currency) { price.appendChild(currency); }
    if (sku) { sku.textContent = variant.sku; }
    if (variant.stock > 0) {
      setStock("In stock" + (variant.stock < 10 ? ": only " + variant.stock + " left" : ""), true);
      quantity.max = Math.min(variant.stock, 99);
    } else {
      setStock("Out of stock", false);
    }
    button.disabled = variant.stock <= 0;
    live.textContent = variant.label + ": $" + variant.price + (variant.stock > 0 ? ", in stock." : ", out of stock.");
    showPicture(variant);
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") { update(); }
  });
})();
