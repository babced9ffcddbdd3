import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateJournal } from '../../test/browser/fixtures.js';
import { INTENT_STATUSES, STATE_FIELDS, type TraceData } from './data-types.js';
import { embed } from './embed.js';
import { buildTraceData } from './trace-model.js';
import { StateFolder } from './state-fold.js';

const g = generateJournal(600);
const data = buildTraceData(g.records, { title: 't' });

function stateAt(d: TraceData, seq: number, instrument: string): Record<string, string> {
  const out: Record<string, string> = Object.fromEntries(STATE_FIELDS.map((f) => [f, '0']));
  for (let i = 0; i < d.state.seq.length && d.state.seq[i]! <= seq; i++) {
    const k = d.state.key[i]!;
    if (d.strings[d.state.keyInstrument[k]!] !== instrument) continue;
    out[STATE_FIELDS[d.state.field[i]!]!] = d.state.values[d.state.value[i]!]!;
  }
  return out;
}

describe('trace data', () => {
  it('keeps every record, in seq order, with its payload', () => {
    expect(data.records.seq.length).toBe(g.records.length);
    expect(data.head.lastSeq).toBe(g.journal.lastSeq());
    expect(data.head.headHash).toBe(g.journal.headHash());
    expect(JSON.parse(data.records.payload[5]!)).toEqual(g.records[5]!.payload);
  });

  it('derives the seed-partial-fill chain as residual with its flag', () => {
    const i = data.intents.id.findIndex((s) => data.strings[s] === 'fixture-intent-017');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(INTENT_STATUSES[data.intents.status[i]!]).toBe('residual');
    const chain = data.intents.chain.slice(data.intents.chainOff[i], data.intents.chainOff[i + 1]);
    expect(chain.map((k) => data.records.type[k])).toEqual([1, 2, 3, 4, 5, 5, 5, 5, 6, 7]);
    const codes = data.intents.codes.slice(data.intents.codeOff[i], data.intents.codeOff[i + 1]).map((c) => data.strings[c]);
    expect(codes).toEqual(['RESIDUAL_UNEXPLAINED']);
    expect(data.intents.orderIds[i]).toContain('P-017');
  });

  it('covers every status the trace distinguishes', () => {
    const seen = new Set(data.intents.status.map((s) => INTENT_STATUSES[s]));
    // Generated partial fills always expire (residual) and working orders are cancelled by the next intent.
    for (const s of ['filled', 'residual', 'rejected_risk', 'rejected_provider', 'drift', 'cancelled', 'no_order']) expect(seen, s).toContain(s);
  });

  it('folds positions exactly at any seq', () => {
    // The seed chain: S04 submit at seq 5 puts +2 to work; the partial fill at seq 7 moves 1 to expected.
    expect(stateAt(data, 5, 'FIX-ALPHA')).toMatchObject({ desired: '2', expected: '0', working: '2', residual: '2' });
    expect(stateAt(data, 7, 'FIX-ALPHA')).toMatchObject({ expected: '1', working: '1', confirmed: '0', drift: '1' });
    expect(stateAt(data, 11, 'FIX-ALPHA')).toEqual({ desired: '2', expected: '1', confirmed: '1', working: '0', residual: '1', drift: '0' });
    // At the end the fold agrees with a fresh fold and with every engine-written interval check.
    const f = new StateFolder();
    for (const r of g.records) {
      f.apply(r);
      if (r.type === 'S06.reconciliation' && r.payload.kind === 'reconciliation' && r.payload.trigger === 'interval') {
        const k = f.keys.find((x) => x.instrument === r.instrument)!;
        expect(k.shown[0], `desired at ${r.seq}`).toBe(r.payload.desired);
        expect(k.shown[2], `confirmed at ${r.seq}`).toBe(r.payload.confirmed);
      }
    }
    for (const k of f.keys) expect(stateAt(data, data.head.lastSeq, k.instrument)).toEqual(Object.fromEntries(STATE_FIELDS.map((x, i) => [x, k.shown[i]])));
  });

  it('embeds gzip+base64 data that cannot close the script element', () => {
    const tpl = '<html><head><title>x</title><script>const id = "reckon-data";</script></head><body><script id="reckon-data" type="application/json">null</script></body></html>';
    const html = embed(tpl, { text: '</script><script>alert(1)</script>' }, 'a <b> & "c"');
    const m = /data-encoding="gzip\+base64">([^<]*)<\/script>/.exec(html);
    expect(m).not.toBeNull();
    expect(JSON.parse(gunzipSync(Buffer.from(m![1]!, 'base64')).toString('utf8'))).toEqual({ text: '</script><script>alert(1)</script>' });
    expect(html).toContain('<title>a &#60;b&#62; &#38; &#34;c&#34;</title>');
    expect(html.match(/<\/script>/g)!.length).toBe(2);
  });
});
