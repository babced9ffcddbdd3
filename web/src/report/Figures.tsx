/** Headline figures; each card carries its raw value (data-value) and where it came from. */
import type { Figure } from '../../../src/web/data-types';
import { money, signOfDec } from '../lib/decimal';
import { count, duration, pct, ratio } from '../lib/format';

export function formatFigure(f: Figure): string {
  const v = f.value;
  if (v === null) return '—';
  switch (f.unit) {
    case 'pct': return pct(Number(v));
    case 'ratio': return ratio(Number(v));
    case 'share': return pct(Number(v) * 100, 1);
    case 'money': return money(String(v));
    case 'count': return count(Number(v));
    case 'duration': return duration(Number(v));
    default: return String(v);
  }
}

function tone(f: Figure): string {
  if (f.value === null) return '';
  if (f.key === 'returnPct' || f.key === 'cagrPct') return Number(f.value) > 0 ? 'pos' : Number(f.value) < 0 ? 'neg' : '';
  if (f.key === 'maxDrawdownPct' && Number(f.value) > 0) return 'neg';
  if (f.key === 'slippageVsArrival') return signOfDec(String(f.value)) > 0 ? 'neg' : '';
  return '';
}

export function Figures({ figures }: { figures: readonly Figure[] }) {
  return (
    <div className="figures" data-testid="figures">
      {figures.map((f) => (
        <div key={f.key} className="figure" data-testid={`fig-${f.key}`} data-value={f.value === null ? '' : String(f.value)} data-source={f.source}
          data-caveat={f.caveat} title={`${f.label}: ${f.value ?? 'n/a'} (${f.source})${f.caveat ? `; ${f.caveat}` : ''}`}>
          <span className="figure-label">{f.label}</span>
          <b className={`figure-value ${tone(f)}`}>{formatFigure(f)}</b>
          {f.caveat ? <span className="figure-caveat">{f.caveat}</span> : <span className="figure-src">{f.source}</span>}
        </div>
      ))}
    </div>
  );
}
