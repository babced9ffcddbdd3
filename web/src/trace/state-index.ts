/**
 * State at any seq from the embedded change log. Checkpoints (a full snapshot every C changes)
 * are built once at load, so any seq is one binary search, one snapshot copy and < C changes
 * away: instant with hundreds of thousands of records. Values stay the exact decimal strings.
 */
import { STATE_FIELDS, type PositionRow, type StateLog } from '../../../src/web/data-types';

const F = STATE_FIELDS.length;

export class StateIndex {
  private readonly interval: number;
  private readonly snapshots: Int32Array[] = [];
  readonly keyCount: number;

  constructor(private readonly log: StateLog, private readonly strings: string[]) {
    this.keyCount = log.keyAccount.length;
    this.interval = Math.max(1024, this.keyCount * F);
    const cur = new Int32Array(this.keyCount * F).fill(-1);
    for (let i = 0; i < log.seq.length; i++) {
      if (i % this.interval === 0) this.snapshots.push(cur.slice());
      cur[log.key[i] * F + log.field[i]] = log.value[i];
    }
  }

  /** Number of changes with seq <= `seq`. */
  private upto(seq: number): number {
    const s = this.log.seq;
    let lo = 0, hi = s.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (s[mid] <= seq) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /** Positions of every key touched up to `seq`, and the cells that changed exactly at `seq`. */
  at(seq: number): { rows: PositionRow[]; changed: Set<string> } {
    const n = this.upto(seq);
    const cp = Math.min(this.snapshots.length - 1, Math.floor(n / this.interval));
    const cur = cp >= 0 ? this.snapshots[cp].slice() : new Int32Array(this.keyCount * F).fill(-1);
    const changed = new Set<string>();
    const touched = new Uint8Array(this.keyCount);
    for (let i = Math.max(0, cp) * this.interval; i < n; i++) cur[this.log.key[i] * F + this.log.field[i]] = this.log.value[i];
    for (let k = 0; k < this.keyCount; k++) for (let f = 0; f < F; f++) if (cur[k * F + f] >= 0) touched[k] = 1;
    for (let i = n - 1; i >= 0 && this.log.seq[i] === seq; i--) {
      const k = this.log.key[i];
      changed.add(`${this.strings[this.log.keyAccount[k]]}|${this.strings[this.log.keyInstrument[k]]}|${STATE_FIELDS[this.log.field[i]]}`);
    }
    const rows: PositionRow[] = [];
    for (let k = 0; k < this.keyCount; k++) {
      if (!touched[k]) continue;
      const v = (f: number): string => { const x = cur[k * F + f]; return x < 0 ? '0' : this.log.values[x]; };
      rows.push({
        account: this.strings[this.log.keyAccount[k]], instrument: this.strings[this.log.keyInstrument[k]],
        desired: v(0), expected: v(1), confirmed: v(2), working: v(3), residual: v(4), drift: v(5),
      });
    }
    return { rows, changed };
  }

  /** Seqs at which any position changed (for "previous / next change"). */
  changeSeqs(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.log.seq.length; i++) if (i === 0 || this.log.seq[i] !== this.log.seq[i - 1]) out.push(this.log.seq[i]);
    return out;
  }
}
