/**
 * Resource timelines drawn with uPlot (the IIFE build at /assets/vendor/uplot.js, loaded on first use
 * and defining the global `uPlot`). x: seconds since the run started; series: records and pages per
 * bucket, requests in flight on average.
 */

import { h } from "./dom.js";
import { fmtDec, fmtInt } from "./format.js";

/** @type {Promise<any> | null} */
let loading = null;

/** @returns {Promise<any>} the uPlot constructor */
export function loadUplot() {
  const existing = /** @type {any} */ (globalThis).uPlot;
  if (existing) return Promise.resolve(existing);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/assets/vendor/uplot.js";
      script.async = true;
      script.onload = () => resolve(/** @type {any} */ (globalThis).uPlot);
      script.onerror = () => {
        loading = null;
        reject(new Error("uPlot could not be loaded from /assets/vendor/uplot.js"));
      };
      document.head.appendChild(script);
    });
  }
  return loading;
}

/**
 * @param {{ bucket_ms: number; points: { t_ms: number; pages: number; records: number; requests: number; in_flight: number }[] }} timeline
 * @returns {number[][]}
 */
export function timelineData(timeline) {
  const points = [...(timeline?.points ?? [])].sort((a, b) => a.t_ms - b.t_ms);
  // Each point covers [t, t + bucket): one more point at the end draws the last bucket as a step too.
  const last = points.at(-1);
  if (last && timeline.bucket_ms > 0) points.push({ ...last, t_ms: last.t_ms + timeline.bucket_ms });
  return [
    points.map((p) => p.t_ms / 1000),
    points.map((p) => p.records),
    points.map((p) => p.pages),
    points.map((p) => p.in_flight),
  ];
}

/**
 * Every scale starts at zero: counts per bucket.
 * @param {unknown} _u
 * @param {number} _min
 * @param {number} max
 * @returns {[number, number]}
 */
function fromZero(_u, _min, max) {
  return [0, Math.max(1, Math.ceil(max * 1.1))];
}

/** @param {string} name */
function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

/**
 * A timeline chart in a figure; resizes with its container. Returns the element and a handle to
 * update its data and to destroy it.
 * @param {{ bucket_ms: number; points: any[] }} timeline
 * @param {{ height?: number; title: string; testid?: string }} options
 */
export function timelineChart(timeline, options) {
  const holder = h("div", { class: "chart-canvas" });
  const figure = h(
    "figure",
    { class: "chart", "data-testid": options.testid },
    holder,
    h(
      "figcaption",
      { class: "muted small" },
      options.title,
      timeline?.bucket_ms ? ` · buckets of ${fmtInt(timeline.bucket_ms)} ms` : "",
    ),
  );
  /** @type {any} */
  let plot = null;
  /** @type {ResizeObserver | null} */
  let observer = null;
  let destroyed = false;
  /** @type {Promise<void> | null} */
  let drawing = null;
  let data = timelineData(timeline);

  const showEmpty = () => {
    holder.replaceChildren(h("p", { class: "muted chart-empty" }, "No timeline points recorded."));
  };

  const draw = async () => {
    if (data[0].length === 0) {
      showEmpty();
      return;
    }
    let UPlot;
    try {
      UPlot = await loadUplot();
    } catch (err) {
      holder.replaceChildren(h("p", { class: "muted" }, String(/** @type {Error} */ (err).message)));
      return;
    }
    if (destroyed || plot) return;
    holder.replaceChildren();
    const width = Math.max(300, holder.clientWidth || figure.clientWidth || 600);
    const accent = cssVar("--accent");
    const pagesColor = cssVar("--chart-2");
    const flightColor = cssVar("--chart-3");
    const axisColor = cssVar("--muted");
    const gridColor = cssVar("--grid");
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } };
    plot = new UPlot(
      {
        width,
        height: options.height ?? 200,
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false }, y: { range: fromZero }, n: { range: fromZero } },
        axes: [
          {
            ...axis,
            label: "seconds since start",
          },
          { ...axis, label: "records", size: 60 },
          {
            ...axis,
            scale: "n",
            side: 1,
            label: "pages, in flight",
            labelSize: 24,
            size: 44,
            grid: { show: false },
          },
        ],
        series: [
          {
            label: "t (s)",
            value: (/** @type {any} */ _u, /** @type {number | null} */ v) => (v === null ? "–" : fmtDec(v)),
          },
          {
            label: "records",
            stroke: accent,
            fill: `${accent}22`,
            width: 1.5,
            paths: UPlot.paths?.stepped?.({ align: 1 }),
          },
          {
            label: "pages",
            stroke: pagesColor,
            width: 1.5,
            scale: "n",
            paths: UPlot.paths?.stepped?.({ align: 1 }),
          },
          {
            label: "in flight",
            stroke: flightColor,
            width: 1.5,
            dash: [4, 3],
            scale: "n",
            value: (/** @type {any} */ _u, /** @type {number | null} */ v) => (v === null ? "–" : fmtDec(v)),
          },
        ],
      },
      data,
      holder,
    );
    observer = new ResizeObserver(() => {
      const w = holder.clientWidth;
      if (plot && w > 0 && Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height: plot.height });
    });
    observer.observe(holder);
  };

  // Draw once the figure is in the document (its width is known then).
  requestAnimationFrame(() => {
    drawing = draw();
  });

  return {
    element: figure,
    /** @param {{ bucket_ms: number; points: any[] }} next */
    update(next) {
      data = timelineData(next);
      if (plot) plot.setData(data);
      else if (data[0].length > 0 && drawing) {
        drawing.then(() => {
          if (plot) plot.setData(data);
          else if (!destroyed) {
            holder.replaceChildren();
            drawing = draw();
          }
        });
      }
    },
    destroy() {
      destroyed = true;
      observer?.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
}
