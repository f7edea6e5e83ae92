// Sellers: each endpoint's certificate, scores with bounds, audits by hour, and deliveries.

import { get } from "../api.js";
import { COLORS, draw, layout, release } from "../charts.js";
import { count, date, fill, gradeBadge, h, share, stamp, statusBadge } from "../format.js";

const POLL_MS = 15000;
const HOUR_MS = 3600 * 1000;

/** Show the sellers page in `root`; return what stops it. */
export function mount(root, _params, app) {
  const parts = {
    table: h("tbody", { id: "sellers" }),
    summary: h("div", { class: "cert-summary", id: "certificate" }),
    history: h("div", { class: "cert-history" }),
    scores: h("div", { class: "chart", id: "scores-chart" }),
    audits: h("div", { class: "chart short", id: "audits-chart" }),
  };
  const head = [
    "Endpoint",
    "Grade",
    "Certificate",
    "Expires",
    "Deliveries",
    "Failed",
    "Off grade",
    "TTFT p50",
    "TTFT p95",
    "Usage",
  ];
  root.append(
    h(
      "section",
      { class: "page sellers" },
      h(
        "div",
        { class: "panel" },
        h(
          "header",
          { class: "panel-head" },
          h("h2", {}, "Sellers"),
          h(
            "span",
            { class: "muted" },
            "graded by measurement, audited continuously; deliveries over the latest 1,000",
          ),
        ),
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "table sellers-table" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                head.map((name, i) => h("th", { class: i > 3 ? "num" : "" }, name)),
              ),
            ),
            parts.table,
          ),
        ),
      ),
      h(
        "div",
        { class: "grid-2" },
        h(
          "div",
          { class: "panel" },
          h("header", { class: "panel-head" }, h("h2", {}, "Certificate")),
          parts.summary,
          parts.history,
        ),
        h(
          "div",
          { class: "panel" },
          h(
            "header",
            { class: "panel-head" },
            h("h2", {}, "Scores"),
            h("span", { class: "muted" }, "pass rate, 95% bounds, grade floor"),
          ),
          parts.scores,
        ),
      ),
      h(
        "div",
        { class: "panel" },
        h(
          "header",
          { class: "panel-head" },
          h("h2", {}, "Audits by hour"),
          h("span", { class: "muted" }, "completed hours only"),
        ),
        parts.audits,
      ),
    ),
  );

  const view = { selected: null, spec: null };
  app.setLive("polling");
  const load = () => loadSellers(view, parts);
  get("/api/specs").then((spec) => {
    view.spec = spec;
    load();
  });
  const poll = setInterval(load, POLL_MS);
  return () => {
    clearInterval(poll);
    release(parts.scores);
    release(parts.audits);
  };
}

/** The symbol of a grade name ("B" → "CHAT-B"); null for none. */
function gradeSymbol(view, name) {
  if (!name) return null;
  const grade = view.spec.grades.find((known) => known.name === name);
  return grade ? grade.symbol : name;
}

async function loadSellers(view, parts) {
  const sellers = (await get("/api/sellers")).data;
  if (view.selected === null) {
    const first = sellers.find((seller) => seller.certificate_id !== null);
    if (first) view.selected = first.endpoint_id;
  }
  fill(
    parts.table,
    sellers.length
      ? sellers.map((seller) => sellerRow(view, parts, seller))
      : h("tr", {}, h("td", { colspan: 9, class: "muted" }, "No endpoint registered yet.")),
  );
  const chosen = sellers.find((seller) => seller.endpoint_id === view.selected);
  if (chosen) await loadCertificate(view, parts, chosen);
}

function sellerRow(view, parts, seller) {
  const select = () => {
    view.selected = seller.endpoint_id;
    for (const row of parts.table.rows) row.classList.toggle("selected", row === element);
    loadCertificate(view, parts, seller);
  };
  const ms = (value) => (value === null ? "—" : `${count(value)} ms`);
  const element = h(
    "tr",
    {
      class: `clickable ${seller.endpoint_id === view.selected ? "selected" : ""}`,
      onclick: select,
      dataset: { endpoint: seller.endpoint_id },
    },
    h("td", {}, `#${seller.endpoint_id}`),
    h("td", {}, gradeBadge(gradeSymbol(view, seller.grade))),
    h(
      "td",
      {},
      seller.certificate_id ? `#${seller.certificate_id} ` : "",
      statusBadge(seller.certificate_status),
    ),
    h("td", { class: "muted" }, stamp(seller.certificate_expires_at_ns)),
    h("td", { class: "num" }, count(seller.deliveries)),
    h(
      "td",
      { class: `num ${seller.failed_share > 0.05 ? "down" : ""}` },
      share(seller.failed_share),
    ),
    h(
      "td",
      { class: `num ${seller.off_grade_share > 0.1 ? "down" : ""}` },
      share(seller.off_grade_share),
    ),
    h("td", { class: "num" }, ms(seller.ttft_p50_ms)),
    h("td", { class: "num" }, ms(seller.ttft_p95_ms)),
    h("td", {}, usageBadge(seller.usage_drift)),
  );
  return element;
}

/** Whether the seller's own usage figures match the reference count; the reason on hover. */
function usageBadge(drift) {
  const badge = statusBadge(drift ? "drifts" : "matches");
  badge.title = drift || "the usage the seller reports matches the reference count";
  return badge;
}

async function loadCertificate(view, parts, seller) {
  if (seller.certificate_id === null) {
    fill(
      parts.summary,
      h("p", { class: "muted" }, `Endpoint #${seller.endpoint_id} holds no certificate.`),
    );
    fill(parts.history);
    release(parts.scores);
    release(parts.audits);
    return;
  }
  const [certificate, past] = await Promise.all([
    get(`/api/certificates/${seller.certificate_id}`),
    get("/api/certificates", { endpoint_id: seller.endpoint_id, limit: 10 }),
  ]);
  const grade = view.spec.grades.find((known) => known.name === certificate.grade) || null;
  drawSummary(parts.summary, certificate, grade, gradeSymbol(view, certificate.grade));
  drawHistory(
    parts.history,
    past.data.map((known) => ({ ...known, symbol: gradeSymbol(view, known.grade) })),
  );
  drawScores(parts.scores, certificate, grade);
  drawAudits(parts.audits, certificate.audit_history);
}

function drawSummary(element, certificate, grade, symbol) {
  const item = (label, value) => [h("dt", {}, label), h("dd", {}, value)];
  const overall = certificate.overall;
  const measured = certificate.method === "measured";
  fill(
    element,
    h(
      "div",
      { class: "cert-title" },
      h("span", { class: "cert-id" }, `#${certificate.id}`),
      gradeBadge(symbol),
      statusBadge(certificate.status),
      h("span", { class: "muted" }, `endpoint #${certificate.endpoint_id}`),
    ),
    h(
      "dl",
      { class: "facts" },
      item(
        "Method",
        measured ? `measured · suite ${certificate.suite_version}` : "set by the operator",
      ),
      item("Issued", `${stamp(certificate.issued_ns)} UTC`),
      item("Expires", `${stamp(certificate.expires_at_ns)} UTC`),
      measured
        ? item(
            "Overall",
            `${overall.passed}/${overall.items} · ${share(overall.lower)}–${share(overall.upper)}`,
          )
        : null,
      item(
        "TTFT p95",
        certificate.ttft_p95_ms === null
          ? "—"
          : `${count(certificate.ttft_p95_ms)} ms${grade ? ` (limit ${count(grade.ttft_p95_ms)})` : ""}`,
      ),
      item(
        "Output",
        certificate.output_tps_median === null
          ? "—"
          : `${certificate.output_tps_median.toFixed(1)} tok/s${grade ? ` (min ${grade.output_tps_min})` : ""}`,
      ),
      item(
        "Context",
        certificate.context_tokens === null ? "—" : `${count(certificate.context_tokens)} tokens`,
      ),
      item("Audits", `${certificate.audit_passed}/${certificate.audits} passed`),
      item(
        "Features",
        certificate.features.length
          ? certificate.features.map((feature) => h("span", { class: "chip" }, feature))
          : "—",
      ),
    ),
    h("p", { class: "muted reason" }, certificate.suspended_reason || certificate.reason),
  );
}

function drawHistory(element, certificates) {
  if (certificates.length < 2) {
    fill(element);
    return;
  }
  fill(
    element,
    h("h3", {}, "Earlier certificates"),
    h(
      "ul",
      { class: "cert-list" },
      certificates
        .slice(1)
        .map((certificate) =>
          h(
            "li",
            {},
            `#${certificate.id} `,
            gradeBadge(certificate.symbol),
            " ",
            statusBadge(certificate.status),
            h("span", { class: "muted" }, ` ${stamp(certificate.issued_ns)}`),
          ),
        ),
    ),
  );
}

function drawScores(element, certificate, grade) {
  const scores = [certificate.overall, ...certificate.scores].filter((score) => score.items > 0);
  if (!scores.length) {
    release(element);
    fill(
      element,
      h("p", { class: "muted empty" }, "No measurement: this grade was set by the operator."),
    );
    return;
  }
  if (element.querySelector(".empty")) element.replaceChildren();
  const rate = (score) => score.passed / score.items;
  const categories = scores.map((score) => score.category);
  const floors = scores.map((score) =>
    grade ? (score.category === "overall" ? grade.quality_min : grade.category_floor) : null,
  );
  const traces = [
    {
      type: "bar",
      orientation: "h",
      name: "pass rate",
      y: categories,
      x: scores.map(rate),
      customdata: scores.map((score) => [score.passed, score.items, score.lower, score.upper]),
      hovertemplate:
        "%{customdata[0]}/%{customdata[1]} passed, bounds %{customdata[2]:.0%}–%{customdata[3]:.0%}<extra>%{y}</extra>",
      marker: {
        color: scores.map((score, i) =>
          floors[i] !== null && score.lower < floors[i]
            ? "rgba(255,93,93,0.55)"
            : "rgba(88,166,255,0.55)",
        ),
      },
      error_x: {
        type: "data",
        symmetric: false,
        array: scores.map((score) => score.upper - rate(score)),
        arrayminus: scores.map((score) => rate(score) - score.lower),
        color: COLORS.text,
        thickness: 1.5,
        width: 4,
      },
    },
    {
      type: "scatter",
      mode: "markers",
      name: "floor",
      y: categories,
      x: floors,
      marker: { symbol: "line-ns-open", size: 22, line: { width: 3, color: COLORS.accent } },
      hovertemplate: "floor %{x:.0%}<extra>%{y}</extra>",
    },
  ];
  draw(
    element,
    traces,
    layout({
      hovermode: "closest",
      margin: { l: 90, r: 16, t: 8, b: 28 },
      xaxis: { range: [0, 1], tickformat: ".0%" },
      yaxis: { autorange: "reversed" },
    }),
  );
}

function drawAudits(element, hours) {
  if (!hours.length) {
    release(element);
    fill(element, h("p", { class: "muted empty" }, "No audit in a completed hour yet."));
    return;
  }
  if (element.querySelector(".empty")) element.replaceChildren();
  // Hours sit at their middle on a day-long axis ending with the latest completed hour.
  const x = hours.map((hour) => new Date(date(hour.hour_start_ns).getTime() + HOUR_MS / 2));
  const end = date(hours[hours.length - 1].hour_start_ns).getTime() + HOUR_MS;
  const bar = (name, y, color) => ({
    type: "bar",
    name,
    x,
    y,
    width: HOUR_MS * 0.8,
    marker: { color },
    hovertemplate: `%{y} ${name}<extra></extra>`,
  });
  draw(
    element,
    [
      bar(
        "passed",
        hours.map((hour) => hour.passed),
        "rgba(38,208,124,0.7)",
      ),
      bar(
        "failed",
        hours.map((hour) => hour.items - hour.passed),
        "rgba(255,93,93,0.7)",
      ),
    ],
    layout({
      barmode: "stack",
      xaxis: { type: "date", range: [new Date(end - 24 * HOUR_MS), new Date(end)] },
      yaxis: { rangemode: "tozero" },
    }),
  );
}
