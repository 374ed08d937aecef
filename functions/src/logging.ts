import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Structured logging as JSON lines that Cloud Logging parses (severity, message, trace fields):
 * https://cloud.google.com/logging/docs/structured-logging. Secrets never reach a log line: values
 * under sensitive keys and token-shaped strings are replaced before writing.
 */

export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL';

interface TraceContext {
  trace?: string;
  spanId?: string;
}

const traceStorage = new AsyncLocalStorage<TraceContext>();

/**
 * What a secret is, by name: a value under one of these keys is a credential (tokens, secrets,
 * authorization headers, passwords, cookies, key material). A field merely named `code` is not: it
 * is an error code far more often than anything else, and an OAuth authorization code is recognised
 * by its value below, wherever it appears.
 */
const SENSITIVE_KEY =
  /secret|token|authorization|password|passwd|cookie|credential|verifier|private_?key|api_?key|^key$|ciphertext/i;
/**
 * What a secret is, by shape: Bearer credentials, Google access (`ya29.`) and refresh (`1//`) tokens,
 * Google OAuth authorization codes (`4/0…`), JWTs, PEM private keys, and the value of every
 * credential-carrying query parameter of a URL (`code`, `*token`, `client_secret`: RFC 6749 §4.1.2,
 * §4.1.3).
 */
const SENSITIVE_VALUE =
  /Bearer\s+[\w.~+/=-]+|ya29\.[\w.-]+|\b1\/\/[\w.-]{10,}|\b4\/[\w-]{10,}|eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
const SENSITIVE_QUERY_VALUE = /([?&#](?:code|[\w-]*token|client_secret)=)[^&#\s"']+/gi;

export const REDACTED = '[REDACTED]';

/** Returns a copy of `value` with secrets replaced; safe on cycles and errors. */
export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') {
    return value.replace(SENSITIVE_VALUE, REDACTED).replace(SENSITIVE_QUERY_VALUE, `$1${REDACTED}`);
  }
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redact(value.message, seen),
      ...errorCodes(value),
      stack: redact(value.stack, seen),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SENSITIVE_KEY.test(key) && item !== undefined && item !== null ? REDACTED : redact(item, seen);
  }
  return out;
}

/**
 * What an error says about its kind, kept in the log line (an AppError's or gRPC status `code`, a
 * GoogleApiFailure's `kind`, HTTP `status` and `reason`). Only scalars: an error's other fields (a
 * gaxios `config` holds the request's headers) are left out.
 */
function errorCodes(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of ['code', 'kind', 'status', 'reason'] as const) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = redact(value);
  }
  return fields;
}

/**
 * Parses the trace of an incoming request (`traceparent` or Google's `X-Cloud-Trace-Context`) into
 * the fields Cloud Logging uses to group a request's lines.
 */
export function traceFromHeaders(projectId: string, headers: Record<string, unknown>): TraceContext {
  const traceparent = headers.traceparent;
  if (typeof traceparent === 'string') {
    const match = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/.exec(traceparent);
    if (match) return { trace: `projects/${projectId}/traces/${match[1]}`, spanId: match[2] };
  }
  const cloudTrace = headers['x-cloud-trace-context'];
  if (typeof cloudTrace === 'string') {
    const match = /^([\da-f]{32})(?:\/(\d+))?/.exec(cloudTrace);
    if (match) return { trace: `projects/${projectId}/traces/${match[1]}`, spanId: match[2] };
  }
  return {};
}

/** Runs `fn` with a trace context that every log line inside it carries. */
export function withTrace<T>(context: TraceContext, fn: () => T): T {
  return traceStorage.run(context, fn);
}

type Sink = (line: string) => void;
let sink: Sink = (line) => process.stdout.write(`${line}\n`);

/** Redirects log output (tests read the lines they caused). Returns the previous sink. */
export function setLogSink(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

function write(severity: Severity, message: string, fields?: Record<string, unknown>): void {
  const context = traceStorage.getStore();
  const entry: Record<string, unknown> = {
    severity,
    message: redact(message),
    time: new Date().toISOString(),
    ...(context?.trace ? { 'logging.googleapis.com/trace': context.trace } : {}),
    ...(context?.spanId ? { 'logging.googleapis.com/spanId': context.spanId } : {}),
    ...(fields ? (redact(fields) as Record<string, unknown>) : {}),
  };
  sink(JSON.stringify(entry));
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('DEBUG', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('INFO', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('WARNING', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('ERROR', message, fields),
};
