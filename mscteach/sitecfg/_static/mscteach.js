// Static explorers: switch between the views precomputed when the site was built (no kernel, no network).
document.addEventListener("change", (event) => {
  const choice = event.target.closest(".mscteach-view-choice");
  if (!choice) return;
  const explorer = choice.closest(".mscteach-explorer");
  for (const view of explorer.querySelectorAll(".mscteach-view")) {
    view.hidden = view.dataset.view !== choice.value;
  }
});

// On a phone, tables are shown as cards (mscteach.css): each cell carries its column's name, and a blank cell is
// marked so the card leaves it out. Only tables with a header row are made cards (a layout table has none).
function mscteachCards() {
  for (const table of document.querySelectorAll("article table")) {
    const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head || table.classList.contains("mscteach-cards")) continue;
    const labels = Array.from(head.cells, (cell) => cell.textContent.trim());
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          const label = labels[column];
          if (label && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", label);
          if (!cell.textContent.trim() && !cell.querySelector("img")) cell.classList.add("mscteach-blank");
          column += cell.colSpan || 1;
        }
      }
    }
    table.classList.add("mscteach-cards");
  }
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mscteachCards);
else mscteachCards();
