// Times in the reader's own time zone (issue 28): the server writes <time data-local
// datetime="ISO 8601"> in the shop's zone with its abbreviation; this rewrites the text in
// the browser's zone. Without JavaScript the server's text (with its zone) stays.
document.querySelectorAll("time[data-local][datetime]").forEach((el) => {
  const when = new Date(el.getAttribute("datetime"));
  if (Number.isNaN(when.getTime())) return;
  el.textContent = when.toLocaleString(undefined, {
    year: "numeric", month: "long", day: "numeric",
    hour: "numeric", minute: "2-digit", timeZoneName: "short",
  });
});
