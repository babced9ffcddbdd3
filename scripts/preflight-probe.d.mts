/** Types of scripts/preflight-probe.mjs. */
import type { Answer, NatsEndpoint, PgEndpoint } from './preflight-plan.mjs';

export function probePostgres(ep: Pick<PgEndpoint, 'host' | 'port' | 'user' | 'database'>, timeoutMs?: number): Promise<Answer>;
export function probeNats(ep: Pick<NatsEndpoint, 'host' | 'port' | 'user' | 'pass'>, timeoutMs?: number): Promise<Answer>;
