// Keeps an update's sending progress fresh without reloading the page. Without JavaScript the
// page reloads itself every few seconds instead (a <meta http-equiv="refresh"> in <noscript>).
const REFRESH_SECONDS = 5;

function watchProgress(box) {
  const format = new Intl.NumberFormat();
  const show = (selector, value) => {
    const element = box.querySelector(selector);
    if (element) element.textContent = value;
  };
  const refresh = async () => {
    try {
      const response = await fetch(box.dataset.progressJson, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const data = await response.json();
      if (data.status !== box.dataset.status) {
        window.location.reload(); // paused, finished or cancelled: the buttons change too
        return;
      }
      for (const [status, count] of Object.entries(data.counts)) {
        show(`[data-count="${status}"]`, format.format(count));
      }
      show("[data-progress-done]", format.format(data.done));
      show("[data-progress-total]", format.format(data.total));
      show("[data-progress-rate]", format.format(data.sent_last_minute));
      show(
        "[data-progress-left]",
        data.seconds_left === null ? "not known yet" : `about ${Math.ceil(data.seconds_left / 60)} min`,
      );
      const bar = box.querySelector("[data-progress-bar]");
      bar.max = data.total || 1;
      bar.value = data.done;
    } catch (error) {
      // Offline or the server is busy: keep the last numbers and try again later.
    }
  };
  setInterval(refresh, REFRESH_SECONDS * 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-progress-json]").forEach(watchProgress);
});
