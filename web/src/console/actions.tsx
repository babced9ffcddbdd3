/**
 * Operator actions: every one goes through a dialog that names what will be journaled and asks for
 * a note (the record's `reason`), then POSTs it and reports the records written. A 403 means the
 * token has the viewer role: actions are then disabled everywhere, with the reason shown.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, type Api } from './api';
import type { ActionAnswer, Role } from './types';

export interface ActionSpec {
  /** Dialog title, e.g. "Acknowledge incident INC-42-POSITION_DRIFT". */
  readonly title: string;
  /** Confirm button label. */
  readonly verb: string;
  readonly tone?: 'danger' | 'primary';
  readonly path: string;
  /** What the action does. */
  readonly summary: ReactNode;
  /** What the journal will contain afterwards. */
  readonly journal: string;
  readonly reasonLabel?: string;
  readonly reasonPlaceholder?: string;
  /** A choice sent as body[field] (the trading state). */
  readonly choice?: { readonly field: string; readonly label: string; readonly options: readonly string[]; readonly initial: string };
  readonly body?: Readonly<Record<string, unknown>>;
  /** Called with the answer (the store refreshes the views). */
  readonly done?: (a: ActionAnswer) => void;
}

export interface Toast { readonly id: number; readonly tone: 'good' | 'bad' | 'info'; readonly text: ReactNode }

interface ActionsContext {
  readonly role: Role | null;
  /** Why actions are unavailable, or null. */
  readonly disabledReason: string | null;
  readonly open: (spec: ActionSpec) => void;
  readonly toast: (tone: Toast['tone'], text: ReactNode) => void;
}

const Ctx = createContext<ActionsContext>({ role: null, disabledReason: null, open: () => {}, toast: () => {} });

export const useActions = (): ActionsContext => useContext(Ctx);

export const VIEWER_REASON = 'Signed in with a viewer token: it can watch but not act. Sign in with an operator token to acknowledge, resolve, change trading state, cancel, flatten or use the kill switch.';

/** `onDone` runs after every successful action (the console reads its views again at once). */
export function ActionsProvider({ api, serverRole, onDone, children }: { api: Api; serverRole: Role | null; onDone?: () => void; children: ReactNode }) {
  const [forbidden, setForbidden] = useState(false);
  const [spec, setSpec] = useState<ActionSpec | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const role: Role | null = forbidden ? 'viewer' : serverRole;
  const disabledReason = role === 'viewer' ? VIEWER_REASON : null;

  const toast = useCallback((tone: Toast['tone'], text: ReactNode) => {
    const id = nextId.current++;
    setToasts((t) => [...t.slice(-3), { id, tone, text }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), tone === 'bad' ? 10_000 : 6000);
  }, []);

  const ctx = useMemo<ActionsContext>(() => ({
    role, disabledReason, toast,
    open: (s) => { if (!disabledReason) setSpec(s); else toast('bad', disabledReason); },
  }), [role, disabledReason, toast]);

  return (
    <Ctx.Provider value={ctx}>
      {children}
      {spec && (
        <ActionDialog key={spec.title} api={api} spec={spec} onClose={() => setSpec(null)}
          onForbidden={() => { setForbidden(true); toast('bad', VIEWER_REASON); }}
          onDone={(a) => {
            const recs = a.records.map((r) => `seq ${r.seq} ${r.type.slice(0, 3)} ${r.payload.kind}`).join(', ');
            toast('good', <><b>{spec.verb}</b> journaled: <span className="mono">{recs}</span></>);
            spec.done?.(a);
            onDone?.();
          }} />
      )}
      <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
        {toasts.map((t) => <div key={t.id} className={`toast ${t.tone}`}>{t.text}</div>)}
      </div>
    </Ctx.Provider>
  );
}

function ActionDialog({ api, spec, onClose, onDone, onForbidden }: { api: Api; spec: ActionSpec; onClose: () => void; onDone: (a: ActionAnswer) => void; onForbidden: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [choice, setChoice] = useState(spec.choice?.initial ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => { if (d?.open) d.close(); };
  }, []);

  const submit = async () => {
    if (!reason.trim()) { setError('A note is required: it is journaled as the reason of the action.'); return; }
    setBusy(true);
    setError(null);
    try {
      const body = { ...spec.body, reason: reason.trim(), ...(spec.choice ? { [spec.choice.field]: choice } : {}) };
      const a = await api.post<ActionAnswer>(spec.path, body);
      onDone(a);
      onClose();
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'ERROR', String(e));
      if (err.status === 403) { onForbidden(); onClose(); return; }
      setError(`${err.code}: ${err.message}`);
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className={`action-dialog ${spec.tone ?? 'primary'}`} data-testid="action-dialog" aria-labelledby="action-title"
      onCancel={(e) => { e.preventDefault(); onClose(); }}
      onClick={(e) => { if (e.target === ref.current && !busy) onClose(); }}>
      <form method="dialog" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <h3 id="action-title">{spec.title}</h3>
        <div className="dialog-summary">{spec.summary}</div>
        {spec.choice && (
          <label className="dialog-field">
            <span>{spec.choice.label}</span>
            <select className="input" value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="action-choice">
              {spec.choice.options.map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          </label>
        )}
        <label className="dialog-field">
          <span>{spec.reasonLabel ?? 'Note'} <span className="muted">(required, journaled with your name)</span></span>
          <textarea className="input" autoFocus rows={3} maxLength={500} value={reason} required data-testid="action-reason"
            placeholder={spec.reasonPlaceholder ?? 'What you checked and why'}
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void submit(); } }} />
        </label>
        <div className="dialog-journal muted">Journal: <span className="mono">{spec.journal}</span></div>
        {error && <div className="dialog-error" role="alert" data-testid="action-error">{error}</div>}
        <div className="dialog-buttons">
          <span className="muted small"><span className="kbd">Ctrl</span>+<span className="kbd">Enter</span> confirm · <span className="kbd">Esc</span> cancel</span>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className={`btn ${spec.tone === 'danger' ? 'btn-danger' : 'btn-primary'}`} disabled={busy || !reason.trim()} data-testid="action-confirm">
            {busy ? 'Sending…' : spec.verb}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** A button that opens an action, disabled (with the reason as tooltip) for a viewer. */
export function ActionButton({ spec, children, className, testId, title }: { spec: () => ActionSpec; children: ReactNode; className?: string; testId?: string; title?: string }) {
  const { open, disabledReason } = useActions();
  return (
    <button type="button" className={`btn btn-sm ${className ?? ''}`} disabled={disabledReason !== null} title={disabledReason ?? title}
      data-testid={testId} onClick={(e) => { e.stopPropagation(); open(spec()); }}>
      {children}
    </button>
  );
}
