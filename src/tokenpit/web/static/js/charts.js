// plotly.js (window.Plotly, loaded from the installed `plotly` package) with the dashboard's look.

export const COLORS = {
  up: "#26d07c",
  down: "#ff5d5d",
  text: "#c9d1d9",
  muted: "#7d8590",
  grid: "#21262d",
  panel: "#0d1117",
  accent: "#f0b429",
};

// One colour per grade, best grade first; further grades reuse the last.
const GRADE_COLORS = ["#58a6ff", "#f0b429", "#bc8cff", "#3dd6c6"];

/** The colour of a grade by its rank (0 for the best). */
export function gradeColor(rank) {
  return GRADE_COLORS[Math.min(rank, GRADE_COLORS.length - 1)];
}

const CONFIG = { displayModeBar: false, responsive: true, displaylogo: false };

/** A layout on the dashboard's dark panels; `extra` adds to or replaces parts of it. */
export function layout(extra = {}) {
  const axis = {
    gridcolor: COLORS.grid,
    zerolinecolor: COLORS.grid,
    linecolor: COLORS.grid,
    tickfont: { color: COLORS.muted, size: 10 },
    automargin: true,
  };
  return {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: {
      family: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      color: COLORS.text,
      size: 11,
    },
    margin: { l: 48, r: 12, t: 8, b: 28 },
    showlegend: false,
    hovermode: "x unified",
    hoverlabel: { bgcolor: "#161b22", bordercolor: "#30363d", font: { color: COLORS.text } },
    ...extra,
    xaxis: { ...axis, ...(extra.xaxis || {}) },
    yaxis: { ...axis, ...(extra.yaxis || {}) },
    ...(extra.yaxis2 ? { yaxis2: { ...axis, ...extra.yaxis2 } } : {}),
  };
}

/** Draw or redraw a chart in `element`. */
export function draw(element, traces, chartLayout) {
  if (!window.Plotly) {
    element.textContent = "charts unavailable: plotly.js did not load";
    return;
  }
  window.Plotly.react(element, traces, chartLayout, CONFIG);
}

/** Release a chart's listeners and memory. */
export function release(element) {
  if (window.Plotly && element) window.Plotly.purge(element);
}
