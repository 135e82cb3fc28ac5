// Values with units as people write them in a topology file or on the command line:
// durations (30s, 500ms), percentages (1%, 0.5), rates (10mbit). Each parser returns the
// value or a string saying what is wrong, so callers can point at file:line:col.

const DURATION = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m)?$/;
const DURATION_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000 };

/**
 * A duration in milliseconds. Text needs a unit (`500ms`, `30s`, `2m`, `100us`); a bare
 * number means `bareUnit` (seconds for timeouts, milliseconds for link delays).
 */
export function parseDuration(value: string | number, bareUnit: "s" | "ms"): number | string {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) return `${value} is not a duration`;
    return bareUnit === "s" ? value * 1000 : value;
  }
  const m = DURATION.exec(value.trim());
  if (!m) return `'${value}' is not a duration (write e.g. 500ms, 30s, 2m)`;
  const unit = m[2];
  if (!unit) return `'${value}' needs a unit (ms, s or m)`;
  return Number(m[1]) * (DURATION_MS[unit] ?? 1);
}

/** A percentage, 0..100: `1%`, `0.5%` or a bare number of percent. */
export function parsePercent(value: string | number): number | string {
  let n: number;
  if (typeof value === "number") n = value;
  else {
    const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(value.trim());
    if (!m) return `'${value}' is not a percentage (write e.g. 1% or 0.5%)`;
    n = Number(m[1]);
  }
  if (!Number.isFinite(n) || n < 0 || n > 100) return `${value} is out of range (0% to 100%)`;
  return n;
}

const RATE_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 };

/**
 * A rate in bits per second: `10mbit`, `512kbit`, `1gbit`, `100000bit` (tc's bit units).
 * Byte units are refused on purpose: tc reads `mbps` as megabytes per second.
 */
export function parseRate(value: string | number): number | string {
  if (typeof value === "number") return `rate ${value} needs a unit: write e.g. ${value}mbit or ${value}kbit`;
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]+)$/.exec(value.trim());
  const unit = m?.[2]?.toLowerCase();
  const factor = unit ? RATE_UNITS[unit] : undefined;
  if (!m || factor === undefined) {
    return `'${value}' is not a rate (write e.g. 10mbit, 512kbit or 1gbit; bytes units are not accepted)`;
  }
  const bps = Math.round(Number(m[1]) * factor);
  if (bps < 8) return `rate ${value} is too low (at least 8bit)`;
  return bps;
}

/** A duration for tc and for people: 50ms, 1.5ms, 250us, 2s. */
export function formatMs(ms: number): string {
  if (ms >= 1000 && Number.isInteger(ms / 1000)) return `${ms / 1000}s`;
  if (ms < 1) return `${Math.round(ms * 1000)}us`;
  return `${+ms.toFixed(3)}ms`;
}

/** A rate for tc and for people: 10mbit, 512kbit, 1500bit. */
export function formatRate(bps: number): string {
  for (const [unit, f] of [
    ["gbit", 1e9],
    ["mbit", 1e6],
    ["kbit", 1e3],
  ] as const) {
    if (bps >= f && Number.isInteger(bps / f)) return `${bps / f}${unit}`;
  }
  return `${bps}bit`;
}

export function formatPercent(pct: number): string {
  return `${+pct.toFixed(4)}%`;
}
