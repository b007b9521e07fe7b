// Static explorers: switch between the views precomputed when the site was built (no kernel, no network).
document.addEventListener("change", (event) => {
  const choice = event.target.closest(".mscteach-view-choice");
  if (!choice) return;
  const explorer = choice.closest(".mscteach-explorer");
  for (const view of explorer.querySelectorAll(".mscteach-view")) {
    view.hidden = view.dataset.view !== choice.value;
  }
});
