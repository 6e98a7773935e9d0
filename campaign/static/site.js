// Small improvements only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-copy]")) {
    if (!navigator.clipboard) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    // The page can give the words in its language (data-copy-label, data-copied-label).
    button.textContent = input.dataset.copyLabel || "Copy link";
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(input.value);
      button.textContent = input.dataset.copiedLabel || "Copied";
    });
    input.after(button);
  }
});
