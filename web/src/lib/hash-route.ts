/** Page state in the URL fragment (`#intent=…&code=…`), so pages link into each other offline. */
export function readHash(): Record<string, string> {
  const out: Record<string, string> = {};
  const h = window.location.hash.replace(/^#/, '');
  for (const part of h.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    out[k] = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
  }
  return out;
}

export function hashOf(params: Record<string, string | null | undefined>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== null && e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.length ? '#' + parts.join('&') : '';
}

/** Replaces the fragment without adding history entries or scrolling. */
export function writeHash(params: Record<string, string | null | undefined>): void {
  const h = hashOf(params);
  if (h !== window.location.hash) history.replaceState(null, '', h || window.location.pathname + window.location.search);
}
