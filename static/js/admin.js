// The admin's inline tables (issue 28): a table that scrolls on a phone can be reached with the
// keyboard, and the header of the "original" column says what it holds.
document.querySelectorAll(".inline-group .wrapper").forEach((el) => {
  el.tabIndex = 0;
  el.setAttribute("role", "region");
  const heading = el.closest("fieldset")?.querySelector("h2");
  el.setAttribute("aria-label", heading ? heading.textContent.trim() : "Table");
});
document.querySelectorAll(".inline-group thead th").forEach((th) => {
  if (th.textContent.trim()) return;
  const label = document.createElement("span");
  label.className = "visually-hidden";
  label.textContent = th.classList.contains("original") ? "Item" : "Actions";
  th.append(label);
});
