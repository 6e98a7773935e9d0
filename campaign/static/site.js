// Small improvements only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-copy]")) {
    if (!navigator.clipboard) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    // The words come from the page, in its language.
    button.textContent = input.dataset.copyLabel;
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(input.value);
      button.textContent = input.dataset.copiedLabel;
    });
    input.after(button);
  }
});
