// Product gallery: thumbnails pick the large picture; the large picture opens a lightbox
// (a modal <dialog>) with previous/next, keyboard arrows, Escape, and click-to-zoom.
// Self-hosted, no inline script or style (CSP 'self'). Without it the links still work:
// each points at the full-size picture.
(function () {
  "use strict";

  function pictureFrom(link, sizes) {
    var picture = link.querySelector("picture").cloneNode(true);
    picture.querySelectorAll("[sizes]").forEach(function (node) { node.setAttribute("sizes", sizes); });
    var img = picture.querySelector("img");
    img.removeAttribute("loading");
    return picture;
  }

  function setUp(gallery) {
    var main = gallery.querySelector("[data-gallery-main]");
    if (!main) { return; }
    var thumbs = Array.prototype.slice.call(gallery.querySelectorAll("[data-gallery-thumb]"));
    var mainSizes = (main.querySelector("[sizes]") || main).getAttribute("sizes") || "100vw";
    var current = 0;
    var links = thumbs.length ? thumbs : [main];

    function show(index) {
      current = (index + links.length) % links.length;
      if (!thumbs.length) { return; }
      var link = thumbs[current];
      main.replaceChild(pictureFrom(link, mainSizes), main.querySelector("picture"));
      main.href = link.href;
      thumbs.forEach(function (thumb, i) {
        if (i === current) { thumb.setAttribute("aria-current", "true"); }
        else { thumb.removeAttribute("aria-current"); }
      });
    }

    thumbs.forEach(function (thumb, index) {
      thumb.addEventListener("click", function (event) {
        event.preventDefault();
        show(index);
      });
    });

    var dialog = null;
    function buildDialog() {
      dialog = document.createElement("dialog");
      dialog.className = "lightbox";
      dialog.setAttribute("aria-label", "Enlarged picture");
      dialog.innerHTML =
        '<figure class="lightbox-figure">' +
        '<div class="lightbox-stage"><button type="button" class="lightbox-zoom" aria-pressed="false">' +
        '<span class="visually-hidden">Zoom</span></button></div>' +
        '<figcaption class="lightbox-bar"><p class="lightbox-caption" aria-live="polite"></p>' +
        '<button type="button" class="button-secondary" data-step="-1">Previous</button>' +
        '<button type="button" class="button-secondary" data-step="1">Next</button>' +
        '<button type="button" data-close>Close</button></figcaption></figure>';
      document.body.appendChild(dialog);
      if (links.length < 2) {
        dialog.querySelectorAll("[data-step]").forEach(function (b) { b.hidden = true; });
      }
      dialog.querySelectorAll("[data-step]").forEach(function (button) {
        button.addEventListener("click", function () { step(Number(button.dataset.step)); });
      });
      dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
      dialog.querySelector(".lightbox-zoom").addEventListener("click", toggleZoom);
      dialog.addEventListener("keydown", function (event) {
        if (event.key === "ArrowRight") { step(1); event.preventDefault(); }
        if (event.key === "ArrowLeft") { step(-1); event.preventDefault(); }
      });
      dialog.addEventListener("click", function (event) {
        if (event.target === dialog) { dialog.close(); }  // a click on the backdrop
      });
      dialog.addEventListener("close", function () { setZoom(false); main.focus(); });
    }

    function setZoom(on, event) {
      var zoom = dialog.querySelector(".lightbox-zoom");
      dialog.classList.toggle("is-zoomed", on);
      zoom.setAttribute("aria-pressed", on ? "true" : "false");
      if (on && event) {
        var stage = dialog.querySelector(".lightbox-stage");
        var img = zoom.querySelector("img");
        var rect = stage.getBoundingClientRect();
        var fx = (event.clientX - rect.left) / rect.width;
        var fy = (event.clientY - rect.top) / rect.height;
        stage.scrollLeft = Math.max(0, img.scrollWidth * fx - rect.width / 2);
        stage.scrollTop = Math.max(0, img.scrollHeight * fy - rect.height / 2);
      }
    }

    function toggleZoom(event) {
      setZoom(!dialog.classList.contains("is-zoomed"), event);
    }

    function render() {
      var link = links[current];
      var zoom = dialog.querySelector(".lightbox-zoom");
      var old = zoom.querySelector("picture");
      var picture = pictureFrom(link, "100vw");
      if (old) { zoom.replaceChild(picture, old); } else { zoom.insertBefore(picture, zoom.firstChild); }
      var alt = picture.querySelector("img").getAttribute("alt") || "";
      dialog.querySelector(".lightbox-caption").textContent =
        alt + (links.length > 1 ? " (" + (current + 1) + " of " + links.length + ")" : "");
      setZoom(false);
    }

    function step(delta) {
      show(current + delta);
      render();
    }

    main.addEventListener("click", function (event) {
      if (typeof HTMLDialogElement !== "function") { return; }  // old browser: follow the link
      event.preventDefault();
      if (!dialog) { buildDialog(); }
      render();
      dialog.showModal();
      dialog.querySelector("[data-close]").focus();
    });
  }

  document.querySelectorAll("[data-gallery]").forEach(setUp);
})();
