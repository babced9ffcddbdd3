/** Entry of the static trace page: decode the embedded journal, then render. */
import { createRoot } from 'react-dom/client';
import type { TraceData } from '../../../src/web/data-types';
import '../components/theme.css';
import './trace.css';
import { loadEmbedded } from '../lib/embedded';
import { TraceApp } from './TraceApp';

const root = createRoot(document.getElementById('root')!);
loadEmbedded<TraceData | null>().then(
  (data) => {
    if (!data) { root.render(<div className="empty">This is the trace template: build a page with `reckon trace JOURNAL -o FILE.html`.</div>); return; }
    root.render(<TraceApp data={data} />);
    document.documentElement.dataset.ready = 'true';
  },
  (err: unknown) => { root.render(<div className="empty">Could not read the embedded journal: {String(err)}</div>); },
);
