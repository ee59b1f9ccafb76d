/**
 * The orchestrator API's availability SLO as multi-window, multi-burn-rate alerts (Google SRE
 * workbook, "Alerting on SLOs", table 5-8): each alert fires only while both its long window
 * (significant budget spent) and its short window (still burning now) exceed the burn rate,
 * which keeps detection fast and resets quickly once the problem stops.
 */
import { invalid } from '../invalid';

/** The SLO period the burn rates are relative to. */
export const SLO_PERIOD_DAYS = 30;

export interface BurnRateWindow {
  /** Window that proves enough budget was spent. */
  readonly long: string;
  /** Window (1/12 of the long one) that proves it is still being spent. */
  readonly short: string;
  /** Multiple of the sustainable error rate; e.g. 14.4 spends 2% of a 30-day budget in 1 h. */
  readonly burnRate: number;
  /** `fast` burns page, `slow` burns open a ticket (the workbook's page/ticket split). */
  readonly speed: 'fast' | 'slow';
}

export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { long: '1h', short: '5m', burnRate: 14.4, speed: 'fast' },
  { long: '6h', short: '30m', burnRate: 6, speed: 'fast' },
  { long: '1d', short: '2h', burnRate: 3, speed: 'slow' },
  { long: '3d', short: '6h', burnRate: 1, speed: 'slow' },
];

/** Seconds of a Prometheus duration of one unit (`5m`, `6h`, `3d`). */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (!match) invalid('Invalid Prometheus duration', 'duration', duration, 'use a whole number of one unit, s, m, h or d, e.g. "5m"');
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

/** Every window an error ratio is recorded for, shortest first. */
export function sloWindows(): string[] {
  const all = new Set(BURN_RATE_WINDOWS.flatMap((w) => [w.long, w.short]));
  return [...all].sort((a, b) => durationSeconds(a) - durationSeconds(b));
}

/** Share of the period's error budget spent when a window's alert fires (14.4 × 1 h / 30 d = 2%). */
export function budgetSpentPercent(window: BurnRateWindow): number {
  return Number(((window.burnRate * durationSeconds(window.long) * 100) / (SLO_PERIOD_DAYS * 86400)).toPrecision(6));
}

/** Allowed error ratio: 99.9% availability leaves 0.001. Rounded to hide float noise (1 - 0.999). */
export function errorBudgetRatio(availabilityPercent: number): number {
  return Number(((100 - availabilityPercent) / 100).toPrecision(12));
}
