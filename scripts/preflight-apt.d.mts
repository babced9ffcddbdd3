/** Types of scripts/preflight-apt.mjs. */
export interface AptState {
  readonly phase: string;
  readonly total: number;
  readonly download: number;
  readonly unpack: number;
  readonly configure: number;
  readonly triggers: number;
  readonly error: string;
}
export const APT_START: AptState;
export function aptProgress(state: AptState, line: string): { state: AptState; say?: string };
export function runApt(argv: readonly string[], logFile: string, say: (text: string) => void, heartbeatMs?: number): Promise<{ code: number; error: string }>;
