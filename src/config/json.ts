/**
 * Strict JSON for config files: syntax errors at line:column, duplicate keys refused (JSON.parse
 * silently keeps the last one), and the line and source text of every value kept, so a config
 * problem can name `file:line` and quote what was written (e.g. the number 0.01 as typed).
 * Parsing is @humanwhocodes/momoa's (ESLint's JSON parser).
 */
import { parse, type AnyNode, type ValueNode } from '@humanwhocodes/momoa';
import { ReckonError } from '../domain/errors.js';

/** Line and source text of each value, by config path (`instruments[0].priceIncrement`). */
export type SourceMap = ReadonlyMap<string, { readonly line: number; readonly text: string }>;

/** Path segments to the config path notation used in every message: `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/**
 * Parses `text` as strict JSON. Throws CONFIG_INVALID naming `source:line:column` for a syntax
 * error, and listing every duplicate key with its line.
 *
 * @example
 * const { value, lines } = parseStrictJson('{\n  "seed": 7\n}', 'reckon.json');
 * lines.get('seed') // { line: 2, text: '7' }
 */
export function parseStrictJson(text: string, source: string): { value: unknown; lines: SourceMap } {
  let body: ValueNode;
  try {
    body = parse(text, { mode: 'json', ranges: true }).body;
  } catch (err) {
    const e = err as Error & { line?: number; column?: number };
    const where = e.line !== undefined ? `${e.line}:${e.column ?? 0}` : '1:1';
    throw new ReckonError('CONFIG_INVALID', `${source}:${where}: not valid JSON (${e.message.replace(/ \(\d+:\d+\)$/, '')})`);
  }
  const lines = new Map<string, { line: number; text: string }>();
  const duplicates: string[] = [];
  const value = toValue(body, [], text, lines, (path, key, line, first) =>
    duplicates.push(`${source}:${line}: ${formatPath(path) || '(root)'}: duplicate key "${key}" (first at line ${first})`));
  if (duplicates.length > 0) {
    throw new ReckonError('CONFIG_INVALID',
      `invalid config (${duplicates.length} problem${duplicates.length > 1 ? 's' : ''}):\n  ${duplicates.join('\n  ')}`, duplicates);
  }
  return { value, lines };
}

function toValue(
  node: AnyNode, path: PropertyKey[], text: string, lines: Map<string, { line: number; text: string }>,
  duplicate: (path: readonly PropertyKey[], key: string, line: number, first: number) => void,
): unknown {
  lines.set(formatPath(path), { line: node.loc.start.line, text: text.slice(node.loc.start.offset, node.loc.end.offset) });
  switch (node.type) {
    case 'Object': {
      const out: Record<string, unknown> = {};
      const seen = new Map<string, number>();
      for (const m of node.members) {
        const key = m.name.type === 'String' ? m.name.value : m.name.name;
        const first = seen.get(key);
        if (first !== undefined) { duplicate(path, key, m.name.loc.start.line, first); continue; }
        seen.set(key, m.name.loc.start.line);
        // defineProperty: a "__proto__" key stays an ordinary (unknown) key, never the prototype.
        Object.defineProperty(out, key, { value: toValue(m.value, [...path, key], text, lines, duplicate), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'Array':
      return node.elements.map((e, i) => toValue(e.value, [...path, i], text, lines, duplicate));
    case 'String': case 'Number': case 'Boolean':
      return node.value;
    case 'Null':
      return null;
    default:
      throw new ReckonError('CONFIG_INVALID', `unexpected JSON node ${node.type}`);
  }
}
