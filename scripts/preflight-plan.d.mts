/** Types of scripts/preflight-plan.mjs (plain JavaScript: the preflight runs before anything is built). */
export interface Privilege { readonly root: boolean; readonly sudo: boolean }
/** `url` is the variable's URL with any password masked (it is shown in messages). */
export interface PgEndpoint { readonly kind: 'pg'; readonly host: string; readonly port: number; readonly url: string; readonly user: string; readonly database: string }
export interface NatsEndpoint { readonly kind: 'nats'; readonly host: string; readonly port: number; readonly url: string; readonly user: string; readonly pass: string }
export type Endpoint = PgEndpoint | NatsEndpoint;
export interface Settings {
  readonly chromium: string;
  readonly chromiumFromEnv: boolean;
  readonly noInstall: boolean;
  readonly pg: PgEndpoint;
  readonly nats: NatsEndpoint;
}
export type Answer =
  | { readonly state: 'ready'; readonly version: string }
  | { readonly state: 'unusable'; readonly why: string }
  | { readonly state: 'down'; readonly why: string };
export type BrowserPlan =
  | { readonly do: 'use' }
  | { readonly do: 'install'; readonly prefix: readonly string[]; readonly display: string }
  | { readonly do: 'fail'; readonly line: string };
export type ServicePlan =
  | { readonly do: 'use' }
  | { readonly do: 'start'; readonly argv: readonly string[]; readonly display: string }
  | { readonly do: 'fail'; readonly line: string };
export interface Machine { readonly pgClusters: readonly { readonly version: string; readonly port: number }[]; readonly pgCtlcluster: boolean; readonly natsServer: boolean }

export const DEBIAN_CHROMIUM: string;
export const DEFAULT_PG_URL: string;
export const DEFAULT_NATS_URL: string;
export const MIN_NODE: string;
export const NATS_PORT: number;
export const NATS_START: readonly string[];
export function readSettings(env: Readonly<Record<string, string | undefined>>): Settings;
export function serviceLabel(ep: Endpoint): string;
export function address(ep: Endpoint): string;
export function isLoopback(host: string): boolean;
export function nodeProblem(version: string): string | null;
export function adminPrefix(privilege: Privilege): string[] | null;
export function installCommand(privilege: Privilege): string;
export function planBrowser(settings: Settings, facts: { readonly executable: boolean; readonly privilege: Privilege; readonly apt: boolean }): BrowserPlan;
export function startCommand(ep: Endpoint, machine: Machine): readonly string[] | null;
export function planService(ep: Endpoint, answer: Answer, command: readonly string[] | null, privilege: Privilege): ServicePlan;
export function startFailed(ep: Endpoint, display: string, budgetMs: number, answer: Answer, result: { readonly code: number; readonly output: string }): string;
export function readyLine(parts: readonly string[]): string;
