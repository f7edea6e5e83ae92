// One instrument: candles with volume, depth, the live order book and the trade tape.

import { Stream, get, throttle } from "../api.js";
import { COLORS, draw, layout, release } from "../charts.js";
import {
  changeBps,
  clock,
  count,
  date,
  direction,
  dollars,
  fill,
  gradeBadge,
  gradeOf,
  h,
  price,
  stamp,
  statusBadge,
} from "../format.js";

const INTERVALS_S = [60, 300, 900, 3600];
const TAPE_ROWS = 60;
const BOOK_LEVELS = 12;
const TICKER_REFRESH_MS = 1000;

/** Show the page of the instrument `symbol` in `root`; return what stops it. */
export function mount(root, [symbol], app) {
  const parts = {
    title: h("div", { class: "inst-title" }),
    stats: h("dl", { class: "stats" }),
    candles: h("div", { class: "chart tall", id: "candles-chart" }),
    depth: h("div", { class: "chart", id: "depth-chart" }),
    book: h("div", { class: "book", id: "book" }),
    tape: h("tbody", { id: "tape" }),
    intervals: h("div", { class: "segmented", role: "group", "aria-label": "candle interval" }),
  };
  root.append(layoutOf(parts));

  const view = { symbol, interval: INTERVALS_S[0], candles: [], stream: null, app };
  const refreshTicker = throttle(() => loadTicker(view, parts), TICKER_REFRESH_MS);
  view.stream = new Stream({ onState: (s) => app.setLive(s) }).open();
  view.stream.on(`book:${symbol}`, (book) => drawBook(parts, book));
  view.stream.on(`trades:${symbol}`, (trade) => {
    addTrade(parts.tape, trade, true);
    refreshTicker();
  });
  drawIntervals(view, parts);

  start(view, parts);
  return () => {
    view.stream.close();
    refreshTicker.cancel();
    release(parts.candles);
    release(parts.depth);
  };
}

function layoutOf(parts) {
  return h(
    "section",
    { class: "page instrument" },
    h(
      "div",
      { class: "panel inst-head" },
      h("a", { href: "/", "data-link": true, class: "back" }, "← Markets"),
      parts.title,
      parts.stats,
    ),
    h(
      "div",
      { class: "inst-grid" },
      h(
        "div",
        { class: "panel area-candles" },
        h("header", { class: "panel-head" }, h("h2", {}, "Price & volume"), parts.intervals),
        parts.candles,
      ),
      h(
        "div",
        { class: "panel area-book" },
        h(
          "header",
          { class: "panel-head" },
          h("h2", {}, "Order book"),
          h("span", { class: "muted" }, "lots"),
        ),
        parts.book,
      ),
      h(
        "div",
        { class: "panel area-depth" },
        h(
          "header",
          { class: "panel-head" },
          h("h2", {}, "Depth"),
          h("span", { class: "muted" }, "cumulative lots"),
        ),
        parts.depth,
      ),
      h(
        "div",
        { class: "panel area-tape" },
        h(
          "header",
          { class: "panel-head" },
          h("h2", {}, "Trades"),
          h("span", { class: "muted" }, "UTC"),
        ),
        h(
          "div",
          { class: "table-wrap tape-wrap" },
          h(
            "table",
            { class: "table tape" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", {}, "Time"),
                h("th", { class: "num" }, "Price"),
                h("th", { class: "num" }, "Lots"),
              ),
            ),
            parts.tape,
          ),
        ),
      ),
    ),
  );
}

async function start(view, parts) {
  const { symbol } = view;
  let listed;
  try {
    listed = (await get("/api/instruments")).data.find((row) => row.symbol === symbol);
  } catch (error) {
    listed = undefined;
  }
  fill(
    parts.title,
    h("h1", {}, symbol),
    gradeBadge(gradeOf(symbol)),
    listed ? statusBadge(listed.state) : statusBadge("not listed"),
    listed
      ? h(
          "span",
          { class: "muted" },
          `delivers ${stamp(listed.period_start_ns)}–${stamp(listed.period_end_ns).slice(11)} UTC`,
        )
      : null,
  );
  const [book, trades] = await Promise.all([
    get(`/api/book/${encodeURIComponent(symbol)}`, { levels: BOOK_LEVELS }).catch(() => null),
    get("/api/trades", { instrument: symbol, limit: TAPE_ROWS }),
  ]);
  if (book) drawBook(parts, book);
  for (const trade of trades.data.slice().reverse()) addTrade(parts.tape, trade, false);
  await Promise.all([loadCandles(view, parts), loadTicker(view, parts)]);
}

function drawIntervals(view, parts) {
  fill(
    parts.intervals,
    INTERVALS_S.map((interval) =>
      h(
        "button",
        {
          type: "button",
          class: interval === view.interval ? "active" : "",
          onclick: () => {
            view.stream.off(`candles:${view.symbol}:${view.interval}`);
            view.interval = interval;
            drawIntervals(view, parts);
            loadCandles(view, parts);
          },
        },
        interval < 3600 ? `${interval / 60}m` : `${interval / 3600}h`,
      ),
    ),
  );
}

async function loadCandles(view, parts) {
  const { symbol, interval } = view;
  const body = await get(`/api/candles/${encodeURIComponent(symbol)}`, { interval_s: interval });
  if (interval !== view.interval) return;
  view.candles = body.data;
  drawCandles(view, parts);
  view.stream.on(`candles:${symbol}:${interval}`, (candle) => {
    if (candle.interval_s !== view.interval) return;
    const at = view.candles.findIndex((known) => known.start_ns === candle.start_ns);
    if (at >= 0) view.candles[at] = candle;
    else view.candles.push(candle);
    drawCandles(view, parts);
  });
}

function drawCandles(view, parts) {
  const candles = view.candles;
  const x = candles.map((candle) => date(candle.start_ns));
  const rising = candles.map((candle) => candle.close_micros >= candle.open_micros);
  const traces = [
    {
      type: "candlestick",
      name: "price",
      x,
      open: candles.map((candle) => dollars(candle.open_micros)),
      high: candles.map((candle) => dollars(candle.high_micros)),
      low: candles.map((candle) => dollars(candle.low_micros)),
      close: candles.map((candle) => dollars(candle.close_micros)),
      increasing: { line: { color: COLORS.up, width: 1 }, fillcolor: COLORS.up },
      decreasing: { line: { color: COLORS.down, width: 1 }, fillcolor: COLORS.down },
      whiskerwidth: 0.4,
    },
    {
      type: "bar",
      name: "volume",
      x,
      y: candles.map((candle) => candle.volume_lots),
      yaxis: "y2",
      marker: {
        color: rising.map((up) => (up ? "rgba(38,208,124,0.45)" : "rgba(255,93,93,0.45)")),
      },
      hovertemplate: "%{y} lots<extra>volume</extra>",
    },
  ];
  const half = (view.interval * 1000) / 2;
  const range = x.length
    ? [new Date(x[0].getTime() - half * 8), new Date(x[x.length - 1].getTime() + half * 8)]
    : undefined;
  draw(
    parts.candles,
    traces,
    layout({
      margin: { l: 12, r: 56, t: 8, b: 28 },
      xaxis: { type: "date", rangeslider: { visible: false }, range },
      yaxis: { side: "right", domain: [0.27, 1], tickprefix: "$", tickformat: ".3f" },
      yaxis2: { side: "right", domain: [0, 0.2], showgrid: false, rangemode: "tozero" },
      bargap: 0.25,
    }),
  );
}

async function loadTicker(view, parts) {
  const body = await get("/api/tickers", { grade: gradeOf(view.symbol) });
  const row = body.data.find((candidate) => candidate.instrument === view.symbol);
  if (!row) return;
  const stat = (label, value, className = "") => [
    h("dt", {}, label),
    h("dd", { class: className }, value),
  ];
  fill(
    parts.stats,
    stat("Last", price(row.last_micros), "big"),
    stat("24h", changeBps(row.change_bps), direction(row.change_bps)),
    stat("High", price(row.high_micros)),
    stat("Low", price(row.low_micros)),
    stat("Volume", `${count(row.volume_lots)} lots`),
    stat("Bid", price(row.best_bid_micros), "up"),
    stat("Ask", price(row.best_ask_micros), "down"),
    stat("Spread", price(row.spread_micros)),
  );
}

function drawBook(parts, book) {
  const asks = book.asks.slice(0, BOOK_LEVELS);
  const bids = book.bids.slice(0, BOOK_LEVELS);
  const deepest = Math.max(
    1,
    ...asks.map((level) => level.cumulative_lots),
    ...bids.map((level) => level.cumulative_lots),
  );
  const row = (level, side) => {
    const element = h(
      "div",
      { class: `book-row ${side}` },
      h("span", { class: "book-price" }, price(level.price_micros)),
      h("span", { class: "num" }, count(level.lots)),
      h("span", { class: "num muted" }, count(level.cumulative_lots)),
    );
    element.style.setProperty("--depth", `${(100 * level.cumulative_lots) / deepest}%`);
    return element;
  };
  const spread =
    book.best_bid_micros !== null && book.best_ask_micros !== null
      ? `spread ${price(book.best_ask_micros - book.best_bid_micros)}`
      : "one-sided book";
  fill(
    parts.book,
    h(
      "div",
      { class: "book-row book-head" },
      h("span", {}, "Price $/M"),
      h("span", { class: "num" }, "Lots"),
      h("span", { class: "num" }, "Total"),
    ),
    asks.length
      ? asks
          .slice()
          .reverse()
          .map((level) => row(level, "ask"))
      : h("div", { class: "book-empty" }, "no asks"),
    h("div", { class: "book-spread" }, spread),
    bids.length
      ? bids.map((level) => row(level, "bid"))
      : h("div", { class: "book-empty" }, "no bids"),
  );
  drawDepth(parts.depth, book);
}

function drawDepth(element, book) {
  // Steps drawn point by point: from the best price outward, each level's cumulative lots.
  const steps = (levels, outward) => {
    const x = [];
    const y = [];
    let total = 0;
    for (const level of levels) {
      x.push(dollars(level.price_micros), dollars(level.price_micros));
      y.push(total, level.cumulative_lots);
      total = level.cumulative_lots;
    }
    if (levels.length) {
      x.push(dollars(levels[levels.length - 1].price_micros) + outward);
      y.push(total);
    }
    return { x, y };
  };
  const prices = [...book.bids, ...book.asks].map((level) => dollars(level.price_micros));
  const pad = prices.length
    ? Math.max(0.002, (Math.max(...prices) - Math.min(...prices)) * 0.15)
    : 0.01;
  const side = (levels, outward, color, fillColor, name) => ({
    type: "scatter",
    mode: "lines",
    name,
    ...steps(levels, outward),
    line: { color, width: 2 },
    fill: "tozeroy",
    fillcolor: fillColor,
    hovertemplate: "$%{x:.3f}: %{y} lots<extra>" + name + "</extra>",
  });
  draw(
    element,
    [
      side(book.bids, -pad, COLORS.up, "rgba(38,208,124,0.18)", "bids"),
      side(book.asks, pad, COLORS.down, "rgba(255,93,93,0.18)", "asks"),
    ],
    layout({
      hovermode: "closest",
      margin: { l: 40, r: 12, t: 8, b: 28 },
      xaxis: { tickprefix: "$", tickformat: ".3f" },
      yaxis: { rangemode: "tozero" },
    }),
  );
}

function addTrade(tape, trade, live) {
  // The stream and the first page of the tape may both bring a trade: keep one, newest on top.
  const rows = [...tape.rows];
  if (rows.some((known) => Number(known.dataset.tradeId) === trade.trade_id)) return;
  const side = trade.aggressor_side === "buy" ? "up" : "down";
  const row = h(
    "tr",
    { class: live ? `flash-${side}` : "", dataset: { tradeId: trade.trade_id } },
    h("td", { class: "muted" }, clock(trade.ts_ns)),
    h("td", { class: `num ${side}` }, price(trade.price_micros)),
    h("td", { class: "num" }, count(trade.lots)),
  );
  const older = rows.find((known) => Number(known.dataset.tradeId) < trade.trade_id);
  tape.insertBefore(row, older || null);
  while (tape.rows.length > TAPE_ROWS) tape.deleteRow(-1);
}
