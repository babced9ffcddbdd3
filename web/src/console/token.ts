/**
 * The console's bearer token. `reckon serve` prints `console: http://127.0.0.1:7400/#token=<hex>`:
 * the fragment never reaches the server; the page reads it once, keeps it in sessionStorage (gone
 * when the tab closes) and removes it from the address bar and history.
 */
const KEY = 'reckon.console.token';

/** Takes `#token=…` out of the address bar (replaceState, no history entry) and stores it. */
export function takeTokenFromUrl(): string | null {
  const h = window.location.hash.replace(/^#/, '');
  if (!h) return null;
  const params = new URLSearchParams(h);
  const token = params.get('token');
  if (token === null) return null;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', window.location.pathname + window.location.search + (rest ? '#' + rest : ''));
  if (token.trim()) saveToken(token.trim());
  return token.trim() || null;
}

export function loadToken(): string | null {
  try { return sessionStorage.getItem(KEY); } catch { return null; }
}

export function saveToken(token: string): void {
  try { sessionStorage.setItem(KEY, token); } catch { /* storage disabled: the token lives in memory only */ }
}

export function clearToken(): void {
  try { sessionStorage.removeItem(KEY); } catch { /* nothing stored */ }
}
