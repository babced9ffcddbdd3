/**
 * The layout is the architecture: no import cycle between source files, and no two folders of
 * `src/` that import each other (value imports; `import type` carries no runtime dependency).
 * A decider folder may use the engine's state types, never the engine; surfaces (cli, api, web,
 * report) sit above the boundaries and never the other way round.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith('.ts') && !p.includes('.test.')) out.push(p);
  }
  return out;
}

const files = sources(SRC);
const known = new Set(files);
const graph = new Map<string, string[]>(files.map((f) => {
  const text = readFileSync(f, 'utf8');
  const deps = [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'(\.[^']+)'/gm)]
    .map((m) => resolve(dirname(f), m[1]!.replace(/\.js$/, '.ts')))
    .filter((d) => known.has(d));
  return [f, deps];
}));
const rel = (f: string) => relative(SRC, f);
const folderOf = (f: string) => (rel(f).includes('/') ? rel(f).split('/')[0]! : '.');

describe('layering of src/', () => {
  it('has no import cycle between files', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      path.push(f);
      for (const d of graph.get(f)!) {
        if (state.get(d) === 'open') cycles.push(path.slice(path.indexOf(d)).concat(d).map(rel).join(' -> '));
        else if (!state.has(d)) visit(d);
      }
      path.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('has no two folders importing each other', () => {
    const edges = new Map<string, Set<string>>();
    for (const [f, deps] of graph) {
      for (const d of deps) {
        const a = folderOf(f);
        const b = folderOf(d);
        // The package entry (src/index.ts) and src/version.ts live at the root: not a layer.
        if (a !== b && a !== '.' && b !== '.') (edges.get(a) ?? edges.set(a, new Set()).get(a)!).add(b);
      }
    }
    const both = [...edges].flatMap(([a, bs]) => [...bs].filter((b) => a < b && edges.get(b)?.has(a)).map((b) => `${a} <-> ${b}`));
    expect(both).toEqual([]);
  });
});
