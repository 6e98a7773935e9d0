// Small improvements only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-copy]")) {
    if (!navigator.clipboard) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = "Copy link";
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(input.value);
      button.textContent = "Copied";
    });
    input.after(button);
  }
});
