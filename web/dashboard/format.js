/** Formatting of numbers, durations, times and bytes: one place, so every page says it the same way. */

const intFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/**
 * @param {number | string | null | undefined} n
 * @returns {string}
 */
export function fmtInt(n) {
  if (n === null || n === undefined || n === "") return "–";
  if (typeof n === "string") return n;
  if (!Number.isFinite(n)) return String(n);
  return intFormat.format(n);
}

/**
 * @param {number | null | undefined} n
 * @returns {string}
 */
export function fmtDec(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  return decFormat.format(n);
}

/**
 * A duration: "850 ms", "3.2 s", "4 m 05 s", "2 h 03 m".
 * @param {number | null | undefined} ms
 * @returns {string}
 */
export function fmtDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(Math.round(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} m`;
}

/**
 * @param {string | null | undefined} iso
 * @returns {string}
 */
export function fmtTime(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(
    d.getMinutes(),
  )}:${pad(d.getSeconds())}`;
}

/**
 * "3 min ago", "in 2 s", "just now".
 * @param {string | null | undefined} iso
 * @param {number} [now]
 * @returns {string}
 */
export function fmtRelative(iso, now = Date.now()) {
  if (!iso) return "–";
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const diff = (now - t) / 1000;
  const abs = Math.abs(diff);
  /** @type {[number, string][]} */
  const units = [
    [60, "s"],
    [3600, "min"],
    [86400, "h"],
    [86400 * 30, "d"],
    [86400 * 365, "mo"],
    [Number.POSITIVE_INFINITY, "y"],
  ];
  if (abs < 5) return "just now";
  const divisors = [1, 60, 3600, 86400, 86400 * 30, 86400 * 365];
  let i = 0;
  while (abs >= units[i][0]) i++;
  const value = Math.floor(abs / divisors[i]);
  const label = `${value} ${units[i][1]}`;
  return diff >= 0 ? `${label} ago` : `in ${label}`;
}

/**
 * @param {number | null | undefined} n
 * @returns {string}
 */
export function fmtBytes(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/**
 * Title-case-free plural: `plural(1, "row")` → "1 row", `plural(2, "row")` → "2 rows".
 * @param {number} n
 * @param {string} word
 * @param {string} [many]
 * @returns {string}
 */
export function plural(n, word, many = `${word}s`) {
  return `${fmtInt(n)} ${n === 1 ? word : many}`;
}
