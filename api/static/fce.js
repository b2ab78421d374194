// /fce/apply: fills credential lists, checks answers, submits JSON with an Idempotency-Key, and shows
// the reference and access code once. Every visible string comes from the page's catalog bundle.
(function () {
  "use strict";
  const form = document.getElementById("fce-form");
  if (!form) return;
  const strings = JSON.parse(document.getElementById("fce-strings").textContent);
  const language = form.dataset.language;
  const t = (key) => strings[key] || key;
  const credentialsBox = document.getElementById("credentials");
  const template = credentialsBox.querySelector(".credential").cloneNode(true);
  let idempotencyKey = null;
  let lastBody = null;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function loadCredentials(block) {
    const country = block.querySelector("[name=country]").value;
    const select = block.querySelector("[name=credential_id]");
    select.replaceChildren(new Option(t("fce.form.credential_other"), ""));
    if (!country) return;
    const response = await fetch(`/api/v1/fce/credentials?country=${encodeURIComponent(country)}&lang=${language}`);
    if (!response.ok) return; // not in our data: free text only
    for (const item of await response.json()) select.add(new Option(item.names[language] || item.original_name, item.id));
  }

  function wire(block) {
    block.querySelector("[name=country]").addEventListener("change", () => loadCredentials(block));
    block.querySelector(".remove").addEventListener("click", () => { block.remove(); renumber(); });
  }

  function renumber() {
    const blocks = credentialsBox.querySelectorAll(".credential");
    blocks.forEach((block, index) => {
      block.dataset.index = String(index);
      block.querySelector(".remove").hidden = blocks.length < 2;
    });
  }

  document.getElementById("add-credential").addEventListener("click", () => {
    const block = template.cloneNode(true);
    credentialsBox.insertBefore(block, document.getElementById("add-credential"));
    wire(block);
    renumber();
  });
  credentialsBox.querySelectorAll(".credential").forEach(wire);

  function value(root, name) {
    const field = root.querySelector(`[name=${name}]`);
    return field ? field.value.trim() : "";
  }
  function year(root, name) {
    const text = value(root, name);
    return text === "" ? null : Number(text);
  }

  // A digital credential file (Open Badges 3.0 / VC: a JWT, or JSON carrying one) is sent as its text;
  // the server verifies it and pre-fills one more credential. 64 KB is the server's limit too.
  const vcInput = form.querySelector("[name=verifiable_credential]");
  let vcText = null;
  let vcTooLarge = false;
  let vcReady = Promise.resolve();
  if (vcInput) vcInput.addEventListener("change", () => {
    const file = vcInput.files && vcInput.files[0];
    vcText = null;
    vcTooLarge = Boolean(file && file.size > 64 * 1024);
    // Submitting waits for this, so a file chosen just before "submit" is never left out.
    vcReady = file && !vcTooLarge ? file.text().then((text) => { vcText = text.trim() || null; }) : Promise.resolve();
  });
  function blank(block) {
    return ["credential_name", "institution", "field_of_study", "start_year", "language_of_instruction"].every((name) => value(block, name) === "");
  }

  function body() {
    const checked = (name) => (form.querySelector(`[name=${name}]:checked`) || {}).value || null;
    return {
      name: value(form, "name"),
      email: value(form, "email"),
      preferred_language: value(form, "preferred_language"),
      residence_country: value(form, "residence_country"),
      nationality: value(form, "nationality") || null,
      purpose: checked("purpose"),
      documents: checked("documents"),
      consent: form.querySelector("[name=consent]").checked,
      verifiable_credentials: vcText ? [vcText] : [],
      // With a digital credential attached, an untouched credential block is left out: the credential fills it in.
      credentials: Array.from(credentialsBox.querySelectorAll(".credential")).filter((block) => !(vcText && blank(block))).map((block) => ({
        country: value(block, "country"),
        credential_id: value(block, "credential_id") || null,
        credential_name: value(block, "credential_name") || null,
        institution: value(block, "institution"),
        field_of_study: value(block, "field_of_study"),
        start_year: year(block, "start_year"),
        end_year: year(block, "end_year"),
        language_of_instruction: value(block, "language_of_instruction"),
      })),
    };
  }

  function clearErrors() {
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    form.querySelectorAll(".field-error").forEach((el) => { if (el.dataset.errorFor) el.hidden = true; else el.remove(); });
    document.getElementById("form-error").hidden = true;
  }

  function messageFor(field, type, msg) {
    if (field === "verifiable_credentials" || typeof field === "number") return type === "too_large" ? t("bring.form.too_large") : (msg || t("fce.error.invalid"));
    if (type === "missing") return t("fce.error.required");
    if (type === "string_too_long" || type === "too_long") return t("fce.error.too_long");
    if (field === "email") return t("fce.error.email");
    if (field === "end_year") return t("fce.error.end_year");
    if (field === "consent") return t("fce.error.consent");
    if (field === "credential_name") return t("fce.error.credential");
    if (["country", "residence_country", "nationality"].includes(field)) return t("fce.error.country");
    return t("fce.error.invalid");
  }

  function showError(loc, type, msg) {
    // loc is FastAPI's: ["body", field] or ["body", "credentials", index, field].
    let root = form;
    let field = loc[loc.length - 1];
    // An attached digital credential: the server's message is already in the applicant's language.
    if (loc[1] === "verifiable_credentials") field = "verifiable_credentials";
    if (loc[1] === "credentials" && loc.length > 3) root = credentialsBox.querySelectorAll(".credential")[loc[2]] || form;
    const slot = form.querySelector(`[data-error-for=${field}]`);
    const text = messageFor(field, type, loc[1] === "verifiable_credentials" && type !== "value_error" ? msg : null);
    if (slot) { slot.textContent = text; slot.hidden = false; return; }
    const input = root.querySelector(`[name=${field}]`);
    if (!input) { const general = document.getElementById("form-error"); general.textContent = text; general.hidden = false; return; }
    input.setAttribute("aria-invalid", "true");
    const note = document.createElement("p");
    note.className = "field-error";
    note.textContent = text;
    input.closest("label").after(note);
  }

  function checkLocally(data) {
    const problems = [];
    for (const name of ["name", "email", "residence_country", "purpose", "documents"]) if (!data[name]) problems.push([["body", name], "missing"]);
    if (data.email && !/^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$/.test(data.email)) problems.push([["body", "email"], "value_error"]);
    if (!data.consent) problems.push([["body", "consent"], "value_error"]);
    if (vcTooLarge) problems.push([["body", "verifiable_credentials"], "too_large"]);
    data.credentials.forEach((c, i) => {
      for (const name of ["country", "institution", "field_of_study", "start_year", "language_of_instruction"]) if (c[name] === "" || c[name] === null) problems.push([["body", "credentials", i, name], "missing"]);
      if (!c.credential_id && !c.credential_name) problems.push([["body", "credentials", i, "credential_name"], "value_error"]);
      if (c.start_year !== null && c.end_year !== null && c.end_year < c.start_year) problems.push([["body", "credentials", i, "end_year"], "value_error"]);
    });
    return problems;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    await vcReady;
    const data = body();
    const problems = checkLocally(data);
    if (problems.length) { problems.forEach(([loc, type]) => showError(loc, type)); return; }
    const serialised = JSON.stringify(data);
    // Same answers → same key, so a retry after a lost response returns the same case.
    if (serialised !== lastBody) { idempotencyKey = newKey(); lastBody = serialised; }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const response = await fetch("/api/v1/fce/cases", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey, "Accept-Language": language },
        body: serialised,
      });
      const result = await response.json().catch(() => ({}));
      if (response.status === 201) {
        form.hidden = true;
        document.getElementById("result-reference").textContent = result.reference;
        document.getElementById("result-code").textContent = result.access_code;
        document.getElementById("result").hidden = false;
        window.scrollTo(0, 0);
        return;
      }
      if (response.status === 422 && Array.isArray(result.detail)) { result.detail.forEach((d) => showError(d.loc || [], d.type, d.msg)); return; }
      const general = document.getElementById("form-error");
      general.textContent = typeof result.detail === "string" ? result.detail : t("fce.error.generic");
      general.hidden = false;
    } catch (_error) {
      const general = document.getElementById("form-error");
      general.textContent = t("fce.error.generic");
      general.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
})();
