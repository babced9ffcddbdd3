import cliProgress from 'cli-progress';

/** A progress bar with events/s on a terminal; nothing when output is not a TTY or is JSON. */
export function progressBar(enabled: boolean): { update(p: { bytesRead: number; totalBytes: number; events: number; elapsedMs: number }): void; stop(): void } {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({
    format: 'replay [{bar}] {percentage}% | {events} events | {rate} events/s',
    stream: process.stderr, hideCursor: true, clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(p) {
      const rate = p.elapsedMs > 0 ? Math.round((p.events * 1000) / p.elapsedMs).toLocaleString('en-US') : '-';
      if (!started) { bar.start(p.totalBytes, 0, { events: 0, rate }); started = true; }
      bar.update(p.bytesRead, { events: p.events.toLocaleString('en-US'), rate });
    },
    stop() { if (started) bar.stop(); },
  };
}
