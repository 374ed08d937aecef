import type { EmuRequest, EmuResponse } from '../http.js';
import type { EmulatorState } from '../state/state.js';

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ControlRoute {
  method: string;
  pattern: RegExp;
  handle(req: EmuRequest, state: EmulatorState, m: RegExpExecArray): EmuResponse;
}

export function knownAccount(state: EmulatorState, email: string | undefined): string {
  if (!email || !state.account(email)) throw new ControlError(404, `Unknown account: ${email ?? ''}`);
  return email;
}

export const ok = (body: unknown = { ok: true }, status = 200): EmuResponse => ({ status, body });

export const optionalEmail = (body: Record<string, unknown>): string | undefined =>
  typeof body.email === 'string' ? body.email : undefined;
