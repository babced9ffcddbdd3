/**
 * Aggregates a V8 `.cpuprofile` (from `node --cpu-prof`) by function: self time and total
 * (inclusive) time, top N by self time. Usage:
 *   node dist/bench/cpuprofile.js <file.cpuprofile> [topN]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface FunctionCost {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  readonly selfPct: number;
  readonly totalMs: number;
  readonly totalPct: number;
}

/** Self and inclusive time per function (name + file + line), sorted by self time. */
export function summariseProfile(profile: Profile): { totalMs: number; functions: FunctionCost[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const keyOf = (n: ProfileNode): string => {
    const f = n.callFrame;
    const file = f.url ? basename(f.url) : '';
    return `${f.functionName || '(anonymous)'}\u0000${file ? `${file}:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (const [id, us] of selfUs) {
    all += us;
    const n = byId.get(id)!;
    const k = keyOf(n);
    self.set(k, (self.get(k) ?? 0) + us);
    // Inclusive: count each function once per sample stack (recursion-safe).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const kk = keyOf(byId.get(cur)!);
      if (seen.has(kk)) continue;
      seen.add(kk);
      total.set(kk, (total.get(kk) ?? 0) + us);
    }
  }
  const functions = [...self.entries()].map(([k, us]) => {
    const [name, where] = k.split('\u0000') as [string, string];
    const t = total.get(k) ?? us;
    return { name, where, selfMs: us / 1000, selfPct: (100 * us) / all, totalMs: t / 1000, totalPct: (100 * t) / all };
  }).sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs: all / 1000, functions };
}

export function formatProfile(s: { totalMs: number; functions: FunctionCost[] }, top = 25): string {
  const lines = [`Total sampled: ${s.totalMs.toFixed(0)} ms.`, '', '| # | function | where | self ms | self % | total % |', '|---|---|---|---:|---:|---:|'];
  s.functions.slice(0, top).forEach((f, i) => {
    lines.push(`| ${i + 1} | \`${f.name}\` | ${f.where} | ${f.selfMs.toFixed(1)} | ${f.selfPct.toFixed(1)} | ${f.totalPct.toFixed(1)} |`);
  });
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node dist/bench/cpuprofile.js <file.cpuprofile> [topN]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  console.log(formatProfile(summariseProfile(profile), Number(process.argv[3] ?? 25)));
}
