/**
 * The journal's integrity as the page was built: a warning banner when `journal verify` failed or
 * the journal could not be read to its end; a quiet mark in the footer when it verified.
 */
import type { PageIntegrity } from '../../../src/web/data-types';

/** `marks`: the page marks the records from the first bad seq on (the trace does, the report has no records to mark). */
export function IntegrityBanner({ integrity, source, marks = false }: { integrity: PageIntegrity; source: string; marks?: boolean }) {
  const v = integrity.verification;
  const bad = v !== null && !v.ok ? v : null;
  const unreadable = integrity.unreadable;
  if (!bad && !unreadable) return null;
  return (
    <div className="integrity-banner" role="alert" data-testid="integrity-banner" data-first-bad-seq={bad?.firstBadSeq ?? ''}>
      <b>This journal cannot be trusted.</b>
      {bad && (
        <span data-testid="integrity-verify">
          {' '}It fails verification at seq <b className="mono">{bad.firstBadSeq}</b>: {bad.reason.replace(`seq ${bad.firstBadSeq}: `, '')}. From seq {bad.firstBadSeq} on, the hash
          chain no longer proves that the records are what was journaled{marks ? '; those records are marked' : ', so neither do the figures below'}.
        </span>
      )}
      {unreadable && (
        <span data-testid="integrity-unreadable">
          {' '}Reading stopped after seq <b className="mono">{unreadable.lastReadSeq}</b> ({unreadable.reason}): the page shows the records up to there only.
        </span>
      )}
      <span className="muted"> Check it with <code>reckon journal verify {source || 'JOURNAL'}</code>.</span>
    </div>
  );
}

/** Footer mark: verified, or not checked when the page was built. */
export function IntegrityMark({ integrity }: { integrity: PageIntegrity }) {
  const v = integrity.verification;
  if (v === null) return <span className="muted" data-testid="integrity-mark" data-state="unchecked" title="The page was written by the run that wrote the journal; `reckon journal verify` checks it">chain not checked</span>;
  if (v.ok && !integrity.unreadable) return <span className="badge good" data-testid="integrity-mark" data-state="ok" title="`reckon journal verify` passed when this page was built">chain verified</span>;
  return <span className="badge bad" data-testid="integrity-mark" data-state="bad">chain broken</span>;
}
