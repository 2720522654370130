/**
 * Messages a gateway client sends, validated once, here, with zod (DESIGN.md: gateway messages
 * are validated at the edge). Every text falls in exactly one of three classes, so the gateway's
 * counters add up (`in = valid + malformed + unknownOps`):
 * - `unknown`: a JSON object whose `op` is a string naming no operation;
 * - `malformed`: anything else that is not a valid message (not JSON, not an object, no string
 *   `op`, a known `op` with bad or extra fields, a binary frame);
 * - valid: a `ClientMessage`.
 * Pure: the client connection acts on the result.
 */
import { z } from 'zod';
import type { CommandOp, TradingStateName } from './gateway-commands.js';

/** A request id, echoed in the reply: a string up to 64 characters or a finite number. */
export type RequestId = string | number;

/** Codes of the `{"op":"error"}` frames, stable for clients to branch on. */
export type GatewayErrorCode =
  | 'MALFORMED_JSON'
  | 'INVALID_MESSAGE'
  | 'BINARY_FRAME'
  | 'UNKNOWN_OP'
  | 'FORBIDDEN'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'BUSY';

/** A valid client message. */
export type ClientMessage =
  | { readonly op: 'subscribe' | 'unsubscribe'; readonly id?: RequestId | undefined; readonly topics: readonly string[] }
  | { readonly op: 'ping'; readonly id?: RequestId | undefined }
  | { readonly op: 'approve'; readonly id?: RequestId | undefined; readonly clientOrderId: string }
  | { readonly op: 'reject'; readonly id?: RequestId | undefined; readonly clientOrderId: string; readonly reason?: string | undefined }
  | { readonly op: 'setTradingState'; readonly id?: RequestId | undefined; readonly state: TradingStateName; readonly reason?: string | undefined }
  | { readonly op: 'killSwitch'; readonly id?: RequestId | undefined; readonly reason?: string | undefined };

/** A command message (what only an operator may send). */
export type CommandMessage = Extract<ClientMessage, { readonly op: CommandOp }>;

/** A text that is not a valid message: the class it is counted in and the error to reply. */
export interface InvalidMessage {
  readonly invalid: 'malformed' | 'unknown';
  readonly code: GatewayErrorCode;
  readonly error: string;
  /** The message's id when it had a valid one, so the error can be matched to the request. */
  readonly id: RequestId | undefined;
}

/** Most patterns a single subscribe or unsubscribe may carry. */
export const MAX_TOPICS_PER_MESSAGE = 64;

const id = z.union([z.string().max(64), z.number()]).optional();
/** Bus patterns: `*` only as a whole segment (the bus refuses `md.bin*`). */
const pattern = z
  .string()
  .max(256)
  .refine((p) => p.split('.').every((segment) => segment === '*' || !segment.includes('*')), "'*' must stand alone as a whole segment");
const topics = z.array(pattern).min(1).max(MAX_TOPICS_PER_MESSAGE);
const reason = z.string().max(500).optional();
const clientOrderId = z.string().min(1).max(128);

const SCHEMAS = {
  subscribe: z.strictObject({ op: z.literal('subscribe'), id, topics }),
  unsubscribe: z.strictObject({ op: z.literal('unsubscribe'), id, topics }),
  ping: z.strictObject({ op: z.literal('ping'), id }),
  approve: z.strictObject({ op: z.literal('approve'), id, clientOrderId }),
  reject: z.strictObject({ op: z.literal('reject'), id, clientOrderId, reason }),
  setTradingState: z.strictObject({ op: z.literal('setTradingState'), id, state: z.enum(['ACTIVE', 'REDUCING', 'HALTED']), reason }),
  killSwitch: z.strictObject({ op: z.literal('killSwitch'), id, reason }),
} as const;

type Op = keyof typeof SCHEMAS;
const OPS = Object.keys(SCHEMAS) as Op[];

/** True for the ops that are operator commands. */
export function isCommand(message: ClientMessage): message is CommandMessage {
  return message.op === 'approve' || message.op === 'reject' || message.op === 'setTradingState' || message.op === 'killSwitch';
}

/** Parses one text frame into a message, or says why it is not one. Never throws. */
export function parseClientMessage(text: string): ClientMessage | InvalidMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid('malformed', 'MALFORMED_JSON', `not JSON (${text.length} characters)`, undefined);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid('malformed', 'INVALID_MESSAGE', `expected a JSON object with an "op", got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, undefined);
  }
  const fields = value as Record<string, unknown>;
  const rawId = fields['id'];
  const validId = (typeof rawId === 'string' && rawId.length <= 64) || (typeof rawId === 'number' && Number.isFinite(rawId)) ? rawId : undefined;
  const op = fields['op'];
  if (typeof op !== 'string') return invalid('malformed', 'INVALID_MESSAGE', 'op: expected a string', validId);
  if (!Object.hasOwn(SCHEMAS, op)) {
    const shown = op.length > 40 ? `${op.slice(0, 40)}…` : op;
    return invalid('unknown', 'UNKNOWN_OP', `unknown op ${JSON.stringify(shown)} (expected one of ${OPS.join(', ')})`, validId);
  }
  const parsed = SCHEMAS[op as Op].safeParse(value);
  if (parsed.success) return parsed.data as ClientMessage;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length === 0 ? op : `${op}.${issue.path.join('.')}`;
  return invalid('malformed', 'INVALID_MESSAGE', `${where}: ${issue.message}`, validId);
}

/** True when `parsed` is the invalid case. */
export function isInvalid(parsed: ClientMessage | InvalidMessage): parsed is InvalidMessage {
  return 'invalid' in parsed;
}

function invalid(kind: 'malformed' | 'unknown', code: GatewayErrorCode, error: string, id: RequestId | undefined): InvalidMessage {
  return { invalid: kind, code, error, id };
}
