// Passkeys and security keys: the browser's side of WebAuthn for forms marked `data-passkey`.
//
// Such a form first asks its `data-options` address for the site's options (a fresh challenge),
// hands them to navigator.credentials.create() or .get(), puts the key's answer, as JSON with
// its bytes in base64url, in the form's hidden `credential` field, and submits the form. The
// server checks everything; this file only carries bytes. A passkey cannot work without
// JavaScript: the page says so, and its other ways of signing in do not need it.
(() => {
  const fromBase64url = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (character) => character.charCodeAt(0)).buffer;
  };

  const toBase64url = (buffer) => {
    let binary = "";
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };

  const withIds = (descriptors) =>
    (descriptors || []).map((descriptor) => ({ ...descriptor, id: fromBase64url(descriptor.id) }));

  const creationOptions = (options) => ({
    ...options,
    challenge: fromBase64url(options.challenge),
    user: { ...options.user, id: fromBase64url(options.user.id) },
    excludeCredentials: withIds(options.excludeCredentials),
  });

  const requestOptions = (options) => ({
    ...options,
    challenge: fromBase64url(options.challenge),
    allowCredentials: withIds(options.allowCredentials),
  });

  const answerJSON = (credential) => {
    const response = credential.response;
    const answer = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      answer.response.attestationObject = toBase64url(response.attestationObject);
      answer.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      answer.response.authenticatorData = toBase64url(response.authenticatorData);
      answer.response.signature = toBase64url(response.signature);
      answer.response.userHandle = response.userHandle ? toBase64url(response.userHandle) : null;
    }
    return answer;
  };

  // The site's options for this form, or a sentence (in the page's language) saying why not.
  const fetchOptions = async (form) => {
    let response;
    try {
      response = await fetch(form.dataset.options, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      throw new Error(form.dataset.offline);
    }
    if (response.redirected) {
      // The site wants something first (to check it is you again, or to sign in): go there.
      window.location.assign(response.url);
      throw new Error(form.dataset.waiting);
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || form.dataset.failed);
    return body;
  };

  const run = async (form, status) => {
    const options = await fetchOptions(form);
    let credential;
    try {
      credential =
        form.dataset.passkey === "create"
          ? await navigator.credentials.create({ publicKey: creationOptions(options) })
          : await navigator.credentials.get({ publicKey: requestOptions(options) });
    } catch (error) {
      // The person closed the browser's window, the time ran out, or the key refused.
      throw new Error(error.name === "InvalidStateError" ? form.dataset.known : form.dataset.cancelled);
    }
    form.elements.credential.value = JSON.stringify(answerJSON(credential));
    status.textContent = form.dataset.checking;
    form.submit(); // submit() fires no submit event: this handler does not run again
  };

  const prepare = (form) => {
    const status = form.querySelector("[data-passkey-status]");
    const button = form.querySelector("button[type=submit]");
    if (!window.PublicKeyCredential || !navigator.credentials) {
      status.textContent = form.dataset.unsupported;
      button.disabled = true;
      return;
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      button.disabled = true;
      status.textContent = form.dataset.waiting;
      try {
        await run(form, status);
      } catch (error) {
        status.textContent = error.message;
        button.disabled = false;
      }
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form[data-passkey]")) prepare(form);
  });
})();
