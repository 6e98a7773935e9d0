// Keeps a petition's count fresh while the page is open. Without JavaScript the count is
// simply the one the page was served with.
const REFRESH_SECONDS = 15;

function refreshCount(box) {
  const url = box.dataset.petitionJson;
  const number = box.querySelector("[data-signature-count]");
  const bar = box.querySelector("[data-goal-bar]");
  const goal = box.querySelector("[data-goal]");
  // Western digits, as Babel writes the count on the server: browsers with CLDR data older than
  // version 42 format "ar" with Arabic-Indic digits, and the number would change at a refresh.
  const format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    numberingSystem: "latn",
  });
  const update = async () => {
    if (document.hidden) return;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      number.textContent = format.format(data.signature_count);
      goal.textContent = format.format(data.goal);
      bar.max = data.goal;
      bar.value = Math.min(data.signature_count, data.goal);
    } catch (error) {
      // Offline or the server is busy: keep the last count and try again later.
    }
  };
  setInterval(update, REFRESH_SECONDS * 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-petition-json]").forEach(refreshCount);
});
