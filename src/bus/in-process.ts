import type { JournalRecord } from '../records/records.js';

export type RecordHandler = (record: JournalRecord) => void;

/**
 * The default message layer: one process, records routed synchronously in journal order to every
 * subscriber (summary counters, progress, the live console). The NATS JetStream layer carries the
 * same records between processes.
 *
 * @example
 * const bus = new InProcessBus(); const off = bus.subscribe((r) => console.log(r.seq)); off();
 */
export class InProcessBus {
  private handlers: RecordHandler[] = [];

  subscribe(handler: RecordHandler): () => void {
    this.handlers = [...this.handlers, handler];
    return () => { this.handlers = this.handlers.filter((h) => h !== handler); };
  }

  publish(record: JournalRecord): void {
    const hs = this.handlers;
    for (let i = 0; i < hs.length; i++) hs[i]!(record);
  }
}
