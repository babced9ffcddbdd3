/** Order blotter: open orders first, then the most recent finished ones; cancel with a note. */
import { useState } from 'react';
import { OrderStatusBadge } from '../components/Badges';
import { qty } from '../lib/decimal';
import { ActionButton } from './actions';
import { IntentLink } from './intents';
import type { OrderView } from './types';

export function OrdersPanel({ orders }: { orders: readonly OrderView[] }) {
  const [openOnly, setOpenOnly] = useState(false);
  const open = orders.filter((o) => o.open).length;
  const rows = openOnly ? orders.filter((o) => o.open) : orders;
  return (
    <section className="panel cpanel orders-panel" aria-label="Orders" data-testid="orders-panel">
      <header className="panel-h">
        <span className="panel-title">Orders</span>
        <span className={`badge ${open ? 'info' : ''}`}>{open} open</span>
        <span className="muted small">{orders.length - open} done (latest)</span>
        <span className="spacer" />
        <label className="toggle small"><input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> open only</label>
      </header>
      <div className="panel-scroll" tabIndex={-1} data-panel="orders">
        {rows.length === 0 ? <div className="empty">{openOnly ? 'No open orders.' : 'No orders yet.'}</div> : (
          <table className="grid dense" data-testid="orders">
            <thead>
              <tr>
                <th>status</th><th>client order id</th><th>instrument</th><th>side</th><th>type</th>
                <th className="num">qty</th><th className="num">filled</th><th className="num">leaves</th><th className="num">limit</th><th className="num">avg px</th>
                <th>provider id</th><th className="num">seq</th><th><span className="sr-only">actions</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <tr key={o.clientOrderId} className={o.open ? 'row-open' : 'row-done'} data-order={o.clientOrderId} data-open={o.open}>
                  <td><OrderStatusBadge status={o.status} /></td>
                  <td><IntentLink id={o.intentId}>{o.clientOrderId}</IntentLink></td>
                  <td>{o.instrument}</td>
                  <td className={o.side === 'buy' ? 'side-buy' : 'side-sell'}>{o.side}</td>
                  <td className="muted">{o.type} {o.timeInForce}</td>
                  <td className="num">{qty(o.quantity)}</td>
                  <td className="num">{qty(o.filled)}</td>
                  <td className="num">{qty(o.leaves)}</td>
                  <td className="num">{o.limitPrice ?? <span className="muted">mkt</span>}</td>
                  <td className="num">{o.avgPrice ?? <span className="muted">—</span>}</td>
                  <td className="mono muted">{o.providerOrderId ?? '—'}</td>
                  <td className="num muted">{o.submitSeq}</td>
                  <td className="row-actions">
                    {o.open && o.status !== 'pending_cancel' && (
                      <ActionButton testId="cancel-button" title={`Cancel ${o.clientOrderId}`} spec={() => ({
                        title: `Cancel order ${o.clientOrderId}`, verb: 'Cancel order', tone: 'danger', path: `/api/orders/${encodeURIComponent(o.clientOrderId)}/cancel`,
                        summary: <>Ask the provider to cancel <b className="mono">{o.clientOrderId}</b> ({o.side} {qty(o.leaves)} of {qty(o.quantity)} {o.instrument} still open). A fill may still arrive before the cancel lands; it counts.</>,
                        journal: 'S07 operator_action cancel_order, S04 cancel → S05 cancelled',
                      })}>Cancel</ActionButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
