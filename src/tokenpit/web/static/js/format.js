// Formatting for display, and a small DOM builder.
// Money stays integer µUSD on the wire; floats appear here only to print it.

const MICROS = 1e6;

/** Build an element: h("td", {class: "num"}, "1.23", child...). Text is never parsed as HTML. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replace an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A price in µUSD per million units as dollars per million: 2015000 → "2.015". */
export function price(micros) {
  if (micros === null || micros === undefined) return "—";
  return (micros / MICROS).toFixed(3);
}

/** A price as a number of dollars per million units, for charts. */
export function dollars(micros) {
  return micros === null || micros === undefined ? null : micros / MICROS;
}

/** An amount of µUSD as dollars: to the cent, or to the µUSD where cents would round it. */
export function money(micros) {
  if (micros === null || micros === undefined) return "—";
  const digits = micros % 10000 === 0 ? 2 : 6;
  return (micros / MICROS).toLocaleString("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A whole number with thousands separators. */
export function count(value) {
  if (value === null || value === undefined) return "—";
  return Number(value).toLocaleString("en-US");
}

/** A share (0..1) as a percentage. */
export function share(value, digits = 1) {
  if (value === null || value === undefined) return "—";
  return `${(value * 100).toFixed(digits)}%`;
}

/** A change in basis points as a signed percentage. */
export function changeBps(bps) {
  if (bps === null || bps === undefined) return "—";
  const sign = bps > 0 ? "+" : "";
  return `${sign}${(bps / 100).toFixed(2)}%`;
}

/** The CSS class of a signed change: up, down or flat. */
export function direction(value) {
  if (value === null || value === undefined || value === 0) return "flat";
  return value > 0 ? "up" : "down";
}

/** Epoch nanoseconds as a Date (display only: a double holds them to about 0.2 µs). */
export function date(ns) {
  return new Date(ns / 1e6);
}

/** Epoch nanoseconds as UTC time of day, "14:05:09". */
export function clock(ns) {
  return date(ns).toISOString().slice(11, 19);
}

/** Epoch nanoseconds as a UTC date and minute, "2026-12-03 14:05". */
export function stamp(ns) {
  if (ns === null || ns === undefined) return "—";
  return date(ns).toISOString().slice(0, 16).replace("T", " ");
}

/** An instrument's delivery period, "12-03 14:00". */
export function period(startNs) {
  return date(startNs).toISOString().slice(5, 16).replace("T", " ");
}

/** The grade symbol of an instrument symbol: "CHAT-B.2026-12-03T14" → "CHAT-B". */
export function gradeOf(symbol) {
  return symbol.split(".")[0];
}

/** The grade letter of a grade symbol or name: "CHAT-B" → "B". */
export function gradeLetter(grade) {
  return grade ? grade.split("-").pop() : "";
}

/** A grade badge. */
export function gradeBadge(grade) {
  if (!grade) return h("span", { class: "badge badge-none" }, "none");
  const letter = gradeLetter(grade);
  return h("span", { class: `badge grade-${letter.toLowerCase()}` }, grade);
}

/** A status badge (valid, suspended, open, cancelled ...). */
export function statusBadge(status) {
  const text = status || "none";
  return h("span", { class: `badge status-${text.replace(/_/g, "-")}` }, text.replace(/_/g, " "));
}
