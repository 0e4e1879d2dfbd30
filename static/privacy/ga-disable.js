// Analytics is off for this visitor (Do Not Track, Global Privacy Control or the
// opt-out): tell Google's tag never to run, should anything ever load it.
(function () {
  var script = document.currentScript;
  var id = script && script.getAttribute("data-ga-id");
  if (id) {
    window["ga-disable-" + id] = true;
  }
})();
