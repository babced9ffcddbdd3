/**
 * Every error the API answers is `{ error: { code, message } }` with a stable code. Framework
 * errors get the project's own messages, never the framework's text: those can quote the URL or
 * a header, and no answer may echo what a client sent (a token above all).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { validationMessage, type ValidationIssue } from './schemas.js';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

export interface ErrorBody { readonly error: { readonly code: string; readonly message: string } }

const VALIDATION_CODES: Readonly<Record<string, string>> = { body: 'INVALID_BODY', querystring: 'INVALID_QUERY', params: 'INVALID_PARAMS', headers: 'INVALID_HEADERS' };

/** Fastify's own error codes, by what they mean to a client. */
const FRAMEWORK: Readonly<Record<string, readonly [number, string, string]>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'the content-length does not match the body'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'BODY_TOO_LARGE', 'the body is larger than 16384 bytes'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'INVALID_BODY', 'body: a JSON object is required'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'INVALID_BODY', 'body: not valid JSON'],
  FST_ERR_BAD_URL: [400, 'BAD_URL', 'the request path is not a valid URL path'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'URI_TOO_LONG', 'a path parameter is longer than 100 characters'],
};

/**
 * The status and body answering `err`.
 *
 * @example
 * errorReply(new ApiError(403, 'FORBIDDEN', 'this action needs the operator role'))
 * // [403, { error: { code: 'FORBIDDEN', message: 'this action needs the operator role' } }]
 */
export function errorReply(err: Partial<FastifyError> & { validation?: readonly ValidationIssue[] }): [number, ErrorBody] {
  const reply = (status: number, code: string, message: string): [number, ErrorBody] => [status, { error: { code, message } }];
  if (err instanceof ApiError) return reply(err.status, err.code, err.message);
  if (err.validation) {
    const context = err.validationContext ?? 'body';
    return reply(400, VALIDATION_CODES[context] ?? 'BAD_REQUEST', validationMessage(err.validation, context));
  }
  const known = err.code === undefined ? undefined : FRAMEWORK[err.code];
  if (known) return reply(...known);
  const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  if (status < 500) return reply(status, 'BAD_REQUEST', 'the request was refused');
  return reply(status, 'INTERNAL', 'internal error');
}

/** Fastify error handler: answers with `errorReply`. */
export function handleError(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const [status, body] = errorReply(err);
  return reply.status(status).send(body);
}

/** Unknown paths: 404 without quoting the path back. */
export function handleNotFound(_req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such route' } });
}
