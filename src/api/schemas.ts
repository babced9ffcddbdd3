/**
 * Request schemas of the console API, checked by Ajv with no type coercion, no defaults and no
 * removal of unknown fields (see `AJV_OPTIONS`): a body, a path parameter or a query string is
 * exactly what its schema says or the request is a 400 naming the field. Nothing a client sends
 * is quoted back except the names of the fields at fault.
 */

/** Ajv options for the server: strict, every problem reported (bodies are at most 16 KiB). */
export const AJV_OPTIONS = { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true, verbose: true } as const;

const reason = { type: 'string', minLength: 1, maxLength: 500 } as const;
const id = { type: 'string', pattern: '^[\\x21-\\x7e]{1,100}$', description: 'an id of 1 to 100 printable ASCII characters without spaces' } as const;
const strictObject = <P extends Record<string, object>, R extends readonly (keyof P & string)[]>(properties: P, required: R) =>
  ({ type: 'object', additionalProperties: false, properties, required }) as const;

export const reasonBody = strictObject({ reason }, ['reason']);
export const tradingStateBody = strictObject({ reason, state: { type: 'string', enum: ['active', 'reducing', 'halted'] } }, ['reason', 'state']);
/** `engaged` (a JSON boolean) defaults to true: engaging is what an operator reaches for. */
export const killSwitchBody = strictObject({ reason, engaged: { type: 'boolean' } }, ['reason']);

export const idParams = strictObject({ id }, ['id']);
export const clientOrderIdParams = strictObject({ clientOrderId: id }, ['clientOrderId']);

/** A query string with no parameters. */
export const noQuery = strictObject({}, []);
export const recordsQuery = strictObject({ from: { type: 'string', pattern: '^[1-9][0-9]{0,14}$', description: 'a positive integer (a journal seq)' } }, []);

/** The parts of an Ajv error the messages use. */
export interface ValidationIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  readonly data?: unknown;
  readonly parentSchema?: { readonly description?: string; readonly minLength?: number; readonly maxLength?: number };
}

/** The JSON type of a parsed value, telling integers from other numbers. */
export const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;

/** A client-chosen field name, quoted and cut short. */
const quote = (name: unknown) => JSON.stringify(String(name).slice(0, 64));

/**
 * One line naming each problem: the field (`body.engaged`) and what was expected.
 *
 * @example
 * validationMessage([{ keyword: 'type', instancePath: '/engaged', params: { type: 'boolean' }, data: null }], 'body')
 * // 'body.engaged: expected boolean, got null'
 */
export function validationMessage(issues: readonly ValidationIssue[], context: string): string {
  const lines = issues.map((e) => {
    const field = context + e.instancePath.split('/').slice(1).map((s) => `.${s.replace(/~1/g, '/').replace(/~0/g, '~')}`).join('');
    switch (e.keyword) {
      case 'type':
        // No body parses to null; a JSON `null` body is refused by the parser already.
        if (e.instancePath === '' && (e.data === undefined || e.data === null)) return `${field}: a JSON object is required`;
        return `${field}: expected ${String(e.params.type)}, got ${typeOf(e.data)}`;
      case 'additionalProperties': return `${field}: unknown field ${quote(e.params.additionalProperty)}`;
      case 'required': return `${field}: missing required field ${quote(e.params.missingProperty)}`;
      case 'enum': return `${field}: must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
      case 'minLength': case 'maxLength': return `${field}: must be ${e.parentSchema?.minLength ?? 0} to ${e.parentSchema?.maxLength ?? '∞'} characters long`;
      case 'pattern': return `${field}: expected ${e.parentSchema?.description ?? 'a different value'}`;
      default: return `${field}: ${e.message ?? 'is invalid'}`;
    }
  });
  return [...new Set(lines)].join('; ');
}
