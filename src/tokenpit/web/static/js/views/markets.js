// Markets: every listed instrument per grade, the forward curves and the index prices.

import { Stream, get, throttle } from "../api.js";
import { COLORS, draw, gradeColor, layout, release } from "../charts.js";
import {
  changeBps,
  count,
  date,
  direction,
  dollars,
  fill,
  gradeBadge,
  h,
  period,
  price,
} from "../format.js";

const REFRESH_MS = 1500;
const POLL_MS = 10000;
const INDEX_WINDOW_S = 3600;
const HISTORY_INTERVAL_S = 60;
const HEADINGS = [
  ["Period", ""],
  ["Last", "num"],
  ["Bid", "num"],
  ["Ask", "num"],
  ["Sprd", "num narrow-hide"],
  ["Vol", "num"],
  ["Chg", "num"],
];

/** Show the markets page in `root`; return what stops it. */
export function mount(root, _params, app) {
  const cards = h("div", { class: "cards", id: "index-cards" });
  const curve = h("div", { class: "chart", id: "curve-chart" });
  const index = h("div", { class: "chart", id: "index-chart" });
  const boards = h("div", { class: "boards", id: "boards" });
  const asOf = h("span", { class: "muted" });
  root.append(
    h(
      "section",
      { class: "page markets" },
      cards,
      h(
        "div",
        { class: "grid-2" },
        panel("Forward curve", "mid by delivery period, last trade where one side is empty", curve),
        panel(
          "Index price",
          `VWAP of each grade's trades per ${HISTORY_INTERVAL_S / 60} min`,
          index,
        ),
      ),
      h("div", { class: "section-head" }, h("h2", {}, "Instruments"), asOf),
      boards,
    ),
  );

  const state = { grades: [], lotUnits: 1 };
  const refresh = throttle(() => load(state, { cards, curve, index, boards, asOf }), REFRESH_MS);
  const stream = new Stream({ onState: (s) => app.setLive(s) }).open();
  stream.on("trades", (trade) => {
    flash(boards, trade);
    refresh();
  });
  const poll = setInterval(refresh, POLL_MS);

  get("/api/specs").then((spec) => {
    state.grades = spec.grades.map((grade) => grade.symbol);
    state.lotUnits = spec.lot_units;
    refresh();
  });

  return () => {
    stream.close();
    clearInterval(poll);
    refresh.cancel();
    release(curve);
    release(index);
  };
}

function panel(title, hint, body) {
  return h(
    "div",
    { class: "panel" },
    h("header", { class: "panel-head" }, h("h2", {}, title), h("span", { class: "muted" }, hint)),
    body,
  );
}

async function load(state, parts) {
  const { grades } = state;
  const [tickers, curves, indexes, histories] = await Promise.all([
    get("/api/tickers"),
    Promise.all(grades.map((grade) => get(`/api/curve/${grade}`))),
    Promise.all(grades.map((grade) => get(`/api/index/${grade}`, { window_s: INDEX_WINDOW_S }))),
    Promise.all(
      grades.map((grade) => get(`/api/index/${grade}/history`, { interval_s: HISTORY_INTERVAL_S })),
    ),
  ]);
  drawCards(parts.cards, grades, indexes, histories, state.lotUnits);
  drawCurves(parts.curve, grades, curves);
  drawIndex(parts.index, grades, histories);
  drawBoards(parts.boards, grades, tickers.data);
  fill(parts.asOf, `as of ${new Date(tickers.as_of_ns / 1e6).toISOString().slice(11, 19)} UTC`);
}

function drawCards(element, grades, indexes, histories, lotUnits) {
  fill(
    element,
    grades.map((grade, rank) => {
      const now = indexes[rank];
      const points = histories[rank].data;
      const first = points.length ? points[0].price_micros : null;
      const change = first && now.price_micros ? now.price_micros - first : null;
      const bps = change === null ? null : Math.trunc((change * 10000) / first);
      return h(
        "div",
        { class: "card", style: `--grade:${gradeColor(rank)}` },
        h(
          "div",
          { class: "card-head" },
          gradeBadge(grade),
          h("span", { class: "muted" }, "index · 1 h VWAP"),
        ),
        h("div", { class: "card-price" }, price(now.price_micros), h("small", {}, " $/M")),
        h(
          "div",
          { class: "card-foot" },
          h("span", { class: direction(bps) }, changeBps(bps)),
          h("span", { class: "muted" }, `${count(now.trades)} trades`),
          h("span", { class: "muted" }, `${count(now.volume_units / lotUnits)} lots`),
        ),
      );
    }),
  );
}

function drawCurves(element, grades, curves) {
  const traces = grades.map((grade, rank) => {
    const points = curves[rank].data.filter(
      (point) => (point.mid_micros ?? point.last_micros) !== null,
    );
    return {
      type: "scatter",
      mode: "lines+markers",
      name: grade,
      x: points.map((point) => date(point.period_start_ns)),
      y: points.map((point) => dollars(point.mid_micros ?? point.last_micros)),
      customdata: points.map((point) => [
        price(point.best_bid_micros),
        price(point.best_ask_micros),
        price(point.last_micros),
      ]),
      hovertemplate:
        "%{y:.3f}  bid %{customdata[0]} ask %{customdata[1]} last %{customdata[2]}<extra>" +
        grade +
        "</extra>",
      // Straight segments: a spline would draw prices that no delivery period has.
      line: { color: gradeColor(rank), width: 2 },
      marker: { size: 5 },
    };
  });
  draw(element, traces, chartLayout("delivery period (UTC)"));
}

function drawIndex(element, grades, histories) {
  const traces = grades.map((grade, rank) => {
    const points = histories[rank].data;
    return {
      type: "scatter",
      mode: "lines+markers",
      name: grade,
      x: points.map((point) => date(point.start_ns)),
      y: points.map((point) => dollars(point.price_micros)),
      hovertemplate: "%{y:.3f}<extra>" + grade + "</extra>",
      line: { color: gradeColor(rank), width: 2 },
      marker: { size: 4 },
    };
  });
  draw(element, traces, chartLayout("time (UTC)"));
}

function chartLayout(xTitle) {
  return layout({
    showlegend: true,
    legend: { orientation: "h", x: 0, y: 1.12, font: { color: COLORS.muted, size: 10 } },
    margin: { l: 48, r: 12, t: 24, b: 36 },
    xaxis: { type: "date", title: { text: xTitle, font: { size: 10, color: COLORS.muted } } },
    yaxis: { tickprefix: "$", tickformat: ".3f" },
  });
}

function drawBoards(element, grades, tickers) {
  fill(
    element,
    grades.map((grade, rank) => {
      const rows = tickers.filter((row) => row.grade === grade);
      return h(
        "div",
        { class: "panel board", style: `--grade:${gradeColor(rank)}` },
        h(
          "header",
          { class: "panel-head" },
          gradeBadge(grade),
          h("span", { class: "muted" }, `${rows.length} periods`),
        ),
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "table tickers" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                HEADINGS.map(([name, className]) => h("th", { class: className }, name)),
              ),
            ),
            h("tbody", {}, rows.map(tickerRow)),
          ),
        ),
      );
    }),
  );
}

function tickerRow(row) {
  const href = `/instrument/${encodeURIComponent(row.instrument)}`;
  return h(
    "tr",
    { dataset: { symbol: row.instrument }, class: `state-${row.state}` },
    h(
      "td",
      {},
      h("a", { href, "data-link": true, title: row.instrument }, period(row.period_start_ns)),
      row.state === "delivering"
        ? h("span", { class: "tag", title: "delivering now" }, "live")
        : null,
    ),
    h("td", { class: "num last" }, price(row.last_micros)),
    h("td", { class: "num up" }, price(row.best_bid_micros)),
    h("td", { class: "num down" }, price(row.best_ask_micros)),
    h("td", { class: "num muted narrow-hide" }, price(row.spread_micros)),
    h("td", { class: "num" }, row.volume_lots ? count(row.volume_lots) : "—"),
    h("td", { class: `num ${direction(row.change_bps)}` }, changeBps(row.change_bps)),
  );
}

function flash(boards, trade) {
  const row = boards.querySelector(`tr[data-symbol="${CSS.escape(trade.instrument)}"]`);
  if (!row) return;
  const last = row.querySelector(".last");
  last.textContent = price(trade.price_micros);
  row.classList.remove("flash-up", "flash-down");
  void row.offsetWidth; // restart the animation
  row.classList.add(trade.aggressor_side === "buy" ? "flash-up" : "flash-down");
}
