/**
 * Wall-clock time for the console (ages of incidents and market data). The engine's rule against
 * Date.now (event time only) is about decisions; a live screen showing "how long ago" needs the
 * real clock, so it is read here and nowhere else.
 */
import { useSyncExternalStore } from 'react';

export function wallClock(): number {
  // eslint-disable-next-line no-restricted-properties -- display only: ages on a live screen
  return Date.now();
}

let now = wallClock();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  if (!timer) timer = setInterval(() => { now = wallClock(); for (const l of listeners) l(); }, 1000);
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && timer) { clearInterval(timer); timer = undefined; }
  };
}

/** The wall clock, re-rendering once a second (one shared timer). */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/** "4s", "2m 13s", "1h 05m", "3d 4h". */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** "14:03:07.123" in local time (the operator's clock). */
export function clockTime(ts: number): string {
  const d = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
