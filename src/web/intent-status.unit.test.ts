import { describe, expect, it } from 'vitest';
import { MemoryJournal } from '../journal/memory.js';
import type { AnyDraft, ProviderPayload } from '../records/records.js';
import { IntentAccumulator } from './intent-status.js';

function chain(events: ProviderPayload[]): IntentAccumulator {
  const j = new MemoryJournal();
  const base = { ts: 1, account: 'a', instrument: 'X', correlationId: 'i', causationSeq: null } as const;
  const put = (d: Omit<AnyDraft, 'ts' | 'account' | 'instrument' | 'correlationId' | 'causationSeq'>) => j.append({ ...base, ...d } as AnyDraft);
  put({ type: 'S04.order', payload: { kind: 'submit', clientOrderId: 'c', attempt: 1, side: 'buy', type: 'market', timeInForce: 'DAY', quantity: '2', limitPrice: null } });
  for (const p of events) put({ type: 'S05.provider', payload: p });
  const acc = new IntentAccumulator();
  for (const r of j.all()) acc.add(r);
  return acc;
}

const fill = (kind: 'fill' | 'partial_fill', execId: string, lastQty: string, cumQty: string, leavesQty: string): ProviderPayload =>
  ({ kind, clientOrderId: 'c', providerOrderId: 'p', execId, side: 'buy', lastQty, lastPrice: '10', cumQty, leavesQty, fee: '0', raw: null });
const ack: ProviderPayload = { kind: 'ack', execId: 'FX-1', clientOrderId: 'c', providerOrderId: 'p', cumQty: '0', leavesQty: '2', reason: null, origClientOrderId: null, raw: null };

describe('intent status', () => {
  it('tells working, partial, filled and cancelled apart', () => {
    expect(chain([ack]).status()).toBe('working');
    expect(chain([ack, fill('partial_fill', 'e1', '1', '1', '1')]).status()).toBe('partial');
    expect(chain([ack, fill('partial_fill', 'e1', '1', '1', '1'), fill('fill', 'e2', '1', '2', '0')]).status()).toBe('filled');
    expect(chain([ack, { kind: 'cancelled', execId: 'FX-2', clientOrderId: 'c', providerOrderId: 'p', cumQty: '0', leavesQty: '0', reason: null, origClientOrderId: null, raw: null }]).status()).toBe('cancelled');
    expect(chain([{ kind: 'reject', execId: 'FX-3', origClientOrderId: null, clientOrderId: 'c', providerOrderId: null, reason: 'no', raw: null }]).status()).toBe('rejected_provider');
  });
  it('counts a duplicated execution once', () => {
    const acc = chain([ack, fill('partial_fill', 'e1', '1', '1', '1'), fill('partial_fill', 'e1', '1', '1', '1')]);
    expect(acc.status()).toBe('partial');
  });
});
