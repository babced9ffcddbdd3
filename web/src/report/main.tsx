/** Entry of the report page: decode the embedded run data, then render. */
import { createRoot } from 'react-dom/client';
import type { ReportData } from '../../../src/web/data-types';
import '../components/theme.css';
import './report.css';
import { loadEmbedded } from '../lib/embedded';
import { ReportApp } from './ReportApp';

const root = createRoot(document.getElementById('root')!);
loadEmbedded<ReportData | null>().then(
  (data) => {
    if (!data) { root.render(<div className="empty">This is the report template: build a page with `reckon report DIR -o FILE.html`.</div>); return; }
    root.render(<ReportApp data={data} />);
    document.documentElement.dataset.ready = 'true';
  },
  (err: unknown) => { root.render(<div className="empty">Could not read the embedded run data: {String(err)}</div>); },
);
