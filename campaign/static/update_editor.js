// The update editor, improved: the email preview follows the typing, and the audience fields
// that narrow another "Send to" are hidden. Without JavaScript the Preview button re-renders
// the page with the email, and every audience field shows with a hint saying when it counts
// (the server ignores the ones that do not apply, shown or hidden).
const WAIT_MS = 400; // after the last key, so a preview is not fetched for every letter

function livePreview(form) {
  const frame = document.getElementById(form.dataset.previewFrame);
  if (!frame) return;
  let timer = null;
  let asked = 0; // the newest request: an older answer arriving late must not replace it
  const refresh = async () => {
    const mine = ++asked;
    try {
      // The form as it is, its CSRF token included; the endpoint saves nothing.
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
      });
      if (!response.ok || mine !== asked) return;
      frame.srcdoc = await response.text();
      frame.dataset.previewed = String(mine);
    } catch (error) {
      // Offline or the server is busy: the last preview stays, the Preview button still works.
    }
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, WAIT_MS);
  };
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  document.querySelector("[data-preview-hint]")?.setAttribute("hidden", "");
  document.querySelector("[data-live-hint]")?.removeAttribute("hidden");
}

function audienceFields(form) {
  const kind = form.querySelector("select[name=audience_kind]");
  if (!kind) return;
  const show = () => {
    form.querySelectorAll("[data-audience-for]").forEach((box) => {
      box.hidden = box.dataset.audienceFor !== kind.value;
    });
  };
  kind.addEventListener("change", show);
  show();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-preview-url]").forEach((form) => {
    livePreview(form);
    audienceFields(form);
  });
});
