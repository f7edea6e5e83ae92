// The dashboard's router: one page, a view per path, navigation without reloads.

import * as account from "./views/account.js";
import * as instrument from "./views/instrument.js";
import * as markets from "./views/markets.js";
import * as sellers from "./views/sellers.js";

const ROUTES = [
  { pattern: /^\/$/, view: markets, nav: "markets" },
  { pattern: /^\/instrument\/([^/]+)$/, view: instrument, nav: "markets" },
  { pattern: /^\/sellers$/, view: sellers, nav: "sellers" },
  { pattern: /^\/account$/, view: account, nav: "account" },
];

const root = document.getElementById("view");
const live = document.getElementById("live");
let unmount = null;

const app = {
  /** Show the stream's state in the top bar: live, connecting, reconnecting, polling. */
  setLive(state) {
    live.dataset.state = state;
    live.querySelector(".live-text").textContent = state;
  },
  /** Go to another page of the dashboard. */
  navigate(path) {
    if (path !== location.pathname) history.pushState(null, "", path);
    render();
  },
};

function render() {
  if (unmount) unmount();
  unmount = null;
  root.replaceChildren();
  const path = location.pathname;
  const route = ROUTES.find((candidate) => candidate.pattern.test(path));
  for (const link of document.querySelectorAll("[data-nav]")) {
    link.classList.toggle("active", route !== undefined && link.dataset.nav === route.nav);
  }
  if (!route) {
    root.textContent = `No page at ${path}.`;
    return;
  }
  const params = path.match(route.pattern).slice(1).map(decodeURIComponent);
  unmount = route.view.mount(root, params, app) || null;
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-link]");
  if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  app.navigate(link.getAttribute("href"));
});
window.addEventListener("popstate", render);
render();
