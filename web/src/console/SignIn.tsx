/** Sign-in with a bearer token (checked against /api/state before it is kept). */
import { useState } from 'react';
import { Api, ApiError } from './api';

export function SignIn({ message, onToken }: { message: string | null; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(message);

  const submit = async () => {
    const t = token.trim();
    if (!t) return;
    setBusy(true);
    setError(null);
    try {
      await new Api(t).get('/api/state');
      onToken(t);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'This token was not accepted (401). Check for a typo, or copy the URL reckon serve printed.' : `Could not reach the server: ${(e as Error).message}`);
      setBusy(false);
    }
  };

  return (
    <div className="signin-wrap">
      <form className="panel signin" data-testid="signin" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <div className="brand"><span className="logo" />Reckon <small>console</small></div>
        <p className="muted">Sign in with a token. <code>reckon serve</code> prints a link with a one-time operator token:</p>
        <pre className="json">console: http://127.0.0.1:7400/#token=…</pre>
        <p className="muted">Open that link, or paste a token configured with <code>RECKON_OPERATOR_TOKEN</code> / <code>RECKON_VIEWER_TOKEN</code> or <code>serve.tokens</code> (see docs/console.md). The token stays in this tab only.</p>
        <label className="dialog-field">
          <span>Token</span>
          <input className="input" type="password" autoFocus autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} data-testid="token-input" />
        </label>
        {error && <div className="dialog-error" role="alert">{error}</div>}
        <div className="dialog-buttons"><span className="spacer" /><button className="btn btn-primary" type="submit" disabled={busy || !token.trim()}>{busy ? 'Checking…' : 'Sign in'}</button></div>
      </form>
    </div>
  );
}
