// My account: balances, open orders (with cancel), lots and deliveries, live for one key.
// The key lives in this tab's sessionStorage only, and is sent only to this exchange.

import { ApiError, Stream, call, get, throttle } from "../api.js";
import { clock, count, fill, h, money, price, share, stamp, statusBadge } from "../format.js";

const KEY_ITEM = "tokenpit.api_key";
const OPEN_STATUSES = ["open", "partially_filled"];
const ROWS = 50;
const REFRESH_MS = 1000;

/** Show the account page in `root`; return what stops it. */
export function mount(root, _params, app) {
  const page = h("section", { class: "page account" });
  root.append(page);
  const key = sessionStorage.getItem(KEY_ITEM);
  if (!key) {
    app.setLive("signed out");
    signIn(page, app);
    return null;
  }
  return showAccount(page, key, app);
}

function signIn(page, app, problem = null) {
  const input = h("input", {
    type: "password",
    name: "key",
    id: "api-key",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "tp_…",
    required: true,
  });
  const message = h("p", { class: "form-error", role: "alert" }, problem || "");
  const form = h(
    "form",
    {
      class: "panel sign-in",
      onsubmit: async (event) => {
        event.preventDefault();
        const candidate = input.value.trim();
        try {
          await get("/api/account", {}, { key: candidate });
        } catch (error) {
          fill(message, error instanceof ApiError ? error.message : "the exchange did not answer");
          return;
        }
        sessionStorage.setItem(KEY_ITEM, candidate);
        app.navigate("/account");
      },
    },
    h("h2", {}, "Your account"),
    h("label", { for: "api-key" }, "API key"),
    h("div", { class: "row" }, input, h("button", { type: "submit", class: "primary" }, "Open")),
    message,
    h(
      "p",
      { class: "muted" },
      "The key stays in this browser tab (session storage) and goes only to this exchange, as a Bearer header. Closing the tab forgets it.",
    ),
  );
  fill(page, form);
}

function showAccount(page, key, app) {
  const parts = {
    who: h("div", { class: "who" }),
    balances: h("div", { class: "cards balances", id: "balances" }),
    orders: h("tbody", { id: "open-orders" }),
    lots: h("tbody", { id: "lots" }),
    deliveries: h("tbody", { id: "deliveries" }),
    toast: h("div", { class: "toast", role: "status" }),
  };
  const forget = h(
    "button",
    {
      type: "button",
      class: "ghost",
      onclick: () => {
        sessionStorage.removeItem(KEY_ITEM);
        app.navigate("/account");
      },
    },
    "Forget key",
  );
  const table = (title, hint, headings, body, className = "") =>
    h(
      "div",
      { class: `panel ${className}` },
      h("header", { class: "panel-head" }, h("h2", {}, title), h("span", { class: "muted" }, hint)),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              headings.map((name) =>
                h("th", { class: name.endsWith(" ") ? "num" : "" }, name.trim()),
              ),
            ),
          ),
          body,
        ),
      ),
    );
  fill(
    page,
    h("div", { class: "account-head" }, parts.who, forget),
    parts.balances,
    table(
      "Open orders",
      "live",
      ["Order", "Instrument", "Side", "Price ", "Lots ", "Filled ", "Status", ""],
      parts.orders,
    ),
    h(
      "div",
      { class: "grid-2" },
      table(
        "Lots",
        "what you bought or sold",
        ["Lot", "Instrument", "Side", "Price ", "Units ", "Delivered ", "Status"],
        parts.lots,
        "records",
      ),
      table(
        "Deliveries",
        "gateway requests",
        ["Time", "Lot", "Outcome", "Units ", "TTFT ", "Paid "],
        parts.deliveries,
        "records",
      ),
    ),
    parts.toast,
  );

  const view = { key, accountId: null, parts, orders: new Map() };
  const refresh = throttle(
    () => loadRecords(view).catch((error) => failed(page, app, error)),
    REFRESH_MS,
  );
  const stream = new Stream({ key, onState: (s) => app.setLive(s) }).open();
  stream.on("orders", (order) => upsertOrder(view, order));
  stream.on("account", (event) => {
    if (event.event === "BalanceChanged") drawBalances(view, event);
    else refresh();
  });
  loadAll(view).catch((error) => failed(page, app, error));
  return () => {
    stream.close();
    refresh.cancel();
  };
}

function failed(page, app, error) {
  if (error instanceof ApiError && error.status === 401) {
    sessionStorage.removeItem(KEY_ITEM);
    signIn(page, app, "That key is not valid here any more; enter another.");
    return;
  }
  console.error(error);
}

async function loadAll(view) {
  const account = await get("/api/account", {}, { key: view.key });
  view.accountId = account.id;
  fill(
    view.parts.who,
    h("h1", {}, account.name),
    h("span", { class: "muted" }, `account #${account.id}`),
    account.roles.map((role) => h("span", { class: "chip" }, role)),
  );
  drawBalances(view, account);
  const pages = await Promise.all(
    OPEN_STATUSES.map((status) => get("/api/orders", { status, limit: 200 }, { key: view.key })),
  );
  for (const order of pages.flatMap((body) => body.data)) view.orders.set(order.id, order);
  drawOrders(view);
  await loadRecords(view);
}

async function loadRecords(view) {
  const [lots, deliveries, account] = await Promise.all([
    get("/api/lots", { limit: ROWS }, { key: view.key }),
    get("/api/deliveries", { limit: ROWS }, { key: view.key }),
    get("/api/account", {}, { key: view.key }),
  ]);
  drawBalances(view, account);
  drawLots(view, lots.data);
  drawDeliveries(view, deliveries.data);
}

function drawBalances(view, balances) {
  const card = (label, micros, hint) =>
    h(
      "div",
      { class: "card" },
      h("div", { class: "card-head muted" }, label),
      h("div", { class: "card-price", dataset: { micros } }, money(micros)),
      h("div", { class: "card-foot muted" }, hint),
    );
  fill(
    view.parts.balances,
    card("Available", balances.available_micros, "cash less what is set aside"),
    card("Cash", balances.cash_micros, "all your money here"),
    card("Held for bids", balances.held_micros, "what open bids can cost"),
    card("Seller bond", balances.bond_micros, "collateral for lots sold"),
  );
}

function upsertOrder(view, event) {
  const order = { ...event, id: event.order_id ?? event.id };
  if (OPEN_STATUSES.includes(order.status)) view.orders.set(order.id, order);
  else view.orders.delete(order.id);
  drawOrders(view);
}

function drawOrders(view) {
  const orders = [...view.orders.values()].sort((a, b) => b.id - a.id);
  if (!orders.length) {
    fill(view.parts.orders, h("tr", {}, h("td", { colspan: 8, class: "muted" }, "No open order.")));
    return;
  }
  fill(
    view.parts.orders,
    orders.map((order) => orderRow(view, order)),
  );
}

function orderRow(view, order) {
  const cancel = h(
    "button",
    { type: "button", class: "danger small", "aria-label": `cancel order ${order.id}` },
    "Cancel",
  );
  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    try {
      const cancelled = await call("DELETE", `/api/orders/${order.id}`, { key: view.key });
      upsertOrder(view, cancelled);
      toast(view, `Order #${order.id} ${cancelled.status}`);
    } catch (error) {
      cancel.disabled = false;
      toast(view, `Order #${order.id} not cancelled: ${error.message}`, true);
    }
  });
  const side = order.side === "buy" ? "up" : "down";
  return h(
    "tr",
    { dataset: { order: order.id } },
    h("td", {}, `#${order.id}`),
    h(
      "td",
      {},
      h(
        "a",
        { href: `/instrument/${encodeURIComponent(order.instrument)}`, "data-link": true },
        order.instrument,
      ),
    ),
    h("td", { class: side }, order.side),
    h("td", { class: "num" }, price(order.price_micros)),
    h("td", { class: "num" }, count(order.lots)),
    h("td", { class: "num" }, count(order.filled_lots)),
    h("td", {}, statusBadge(order.status)),
    h("td", { class: "num" }, cancel),
  );
}

function drawLots(view, lots) {
  if (!lots.length) {
    fill(view.parts.lots, h("tr", {}, h("td", { colspan: 7, class: "muted" }, "No lot yet.")));
    return;
  }
  fill(
    view.parts.lots,
    lots.map((lot) => {
      const side = lot.buyer_account_id === view.accountId ? "buy" : "sell";
      return h(
        "tr",
        {},
        h("td", {}, `#${lot.lot_id}`),
        h("td", {}, lot.instrument),
        h("td", { class: side === "buy" ? "up" : "down" }, side === "buy" ? "bought" : "sold"),
        h("td", { class: "num" }, price(lot.price_micros)),
        h("td", { class: "num" }, count(lot.units)),
        h("td", { class: "num" }, share(lot.delivered_units / lot.units, 0)),
        h("td", {}, statusBadge(lot.status)),
      );
    }),
  );
}

function drawDeliveries(view, deliveries) {
  if (!deliveries.length) {
    fill(
      view.parts.deliveries,
      h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No delivery yet.")),
    );
    return;
  }
  fill(
    view.parts.deliveries,
    deliveries.map((delivery) =>
      h(
        "tr",
        {},
        h("td", { class: "muted", title: stamp(delivery.ts_ns) }, clock(delivery.ts_ns)),
        h("td", {}, `#${delivery.lot_id}`),
        h("td", {}, statusBadge(delivery.outcome)),
        h("td", { class: "num" }, count(delivery.units)),
        h("td", { class: "num" }, `${count(delivery.ttft_ms)} ms`),
        h("td", { class: "num" }, money(delivery.paid_micros)),
      ),
    ),
  );
}

function toast(view, text, bad = false) {
  const element = view.parts.toast;
  fill(element, text);
  element.classList.toggle("bad", bad);
  element.classList.add("shown");
  clearTimeout(view.toastTimer);
  view.toastTimer = setTimeout(() => element.classList.remove("shown"), 3000);
}
