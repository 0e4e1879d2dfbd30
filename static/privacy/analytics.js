// Google Analytics 4, rendered only when tracking is allowed. No advertising
// features: Google signals and ad personalisation are off.
(function () {
  var script = document.currentScript;
  var id = script && script.getAttribute("data-ga-id");
  if (!id) {
    return;
  }
  window.dataLayer = window.dataLayer || [];
  function gtag() {
    window.dataLayer.push(arguments);
  }
  window.gtag = gtag;
  gtag("js", new Date());
  gtag("config", id, {
    allow_google_signals: false,
    allow_ad_personalization_signals: false,
  });
})();
