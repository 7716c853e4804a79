// Small DOM helpers shared by the screens: element building, the loading / empty / error states,
// number formats, avatars, CSV files that a spreadsheet cannot turn into formulas.

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function loading(what = "Loading") {
  return h("div", { class: "state", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), `${what}…`);
}

export function empty(message) {
  return h("div", { class: "state empty" }, message);
}

export function failure(error, retry) {
  const box = h("div", { class: "state error", role: "alert" }, h("p", {}, error.message || String(error)));
  if (error.code) box.append(h("p", { class: "small" }, `code ${error.code}`));
  if (retry) box.append(h("button", { type: "button", onclick: retry }, "Try again"));
  return box;
}

/** Replace the content of `target` with `node`. */
export function show(target, ...nodes) {
  target.replaceChildren(...nodes);
}

export function fmt(value, digits = 3) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "number") return String(value);
  if (Number.isInteger(value)) return value.toLocaleString("en");
  if (Math.abs(value) > 0 && Math.abs(value) < 0.001) return value.toExponential(1);
  return value.toFixed(digits);
}

export function avatar(person, big = false) {
  const url = (person.identities || []).map((i) => i.avatarUrl).find(Boolean);
  return picture(url, person.name || person.id || "?", big);
}

/** A picture by the server's avatar proxy (the browser never asks another host), or the name's
 * initials when there is none or it cannot be fetched. */
export function picture(url, name, big = false) {
  const letters = String(name).split(/\s+/).map((w) => w[0]).join("").slice(0, 2).toUpperCase();
  const initials = h("span", { class: big ? "initials big" : "initials", "aria-hidden": "true" }, letters);
  if (!url) return initials;
  // the initials show at once; the picture takes their place only once it has arrived
  const image = h("img", { class: big ? "avatar big" : "avatar", alt: "" });
  image.addEventListener("load", () => { if (initials.isConnected) initials.replaceWith(image); }, { once: true });
  image.src = `/console/avatar?url=${encodeURIComponent(url)}`;
  return initials;
}

export function personLink(person) {
  return h("a", { href: `#/person/${encodeURIComponent(person.id)}` }, person.name || person.id);
}

/** A CSV file whose cells a spreadsheet shows as text: cells starting with = + - @ (or a tab or
 * carriage return) are prefixed with a quote, as OWASP's CSV-injection guidance says. */
export function csv(columns, rows) {
  const cell = (value) => {
    let text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.map(cell).join(","), ...rows.map((row) => columns.map((c) => cell(row[c])).join(","))].join("\r\n") + "\r\n";
}

export function download(name, text, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function toast(message) {
  const note = h("div", { class: "toast", role: "status" }, message);
  document.body.append(note);
  setTimeout(() => note.remove(), 2500);
}

export function field(labelText, control) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, labelText), control);
}

export function select(options, value) {
  const node = h("select", {});
  for (const [optionValue, label] of options) {
    const option = h("option", { value: optionValue }, label);
    if (optionValue === value) option.selected = true;
    node.append(option);
  }
  return node;
}

export const ROLES = ["viewer", "marketer", "analyst", "admin"];
export function atLeast(role, minimum) {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}
