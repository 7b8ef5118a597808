/**
 * What really stopped a hub request, in words: which timeout fired, a cut connection, a refused one, a full disk.
 * undici hides the cause under `TypeError: fetch failed` (or `terminated` mid-body); the code is in the cause chain.
 */
import { seconds, type HubTimeouts } from './hub-timeouts.ts';

export type FailureKind = 'timeout' | 'cut' | 'refused' | 'disk' | 'other';

export interface NetworkFailure {
  kind: FailureKind;
  /** Says what happened, e.g. "no answer within 30 s of the request (first-byte timeout)". */
  text: string;
}

/** Error codes (errno or undici's) found along the cause chain, first to last. */
function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error, depth = 0; current && depth < 8; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

export function describeNetworkFailure(error: unknown, timeouts: HubTimeouts): NetworkFailure {
  const codes = causeCodes(error);
  const has = (...wanted: string[]) => codes.some((code) => wanted.includes(code));
  if (has('UND_ERR_CONNECT_TIMEOUT')) return { kind: 'timeout', text: `no connection within ${seconds(timeouts.connectMs)} (connect timeout)` };
  if (has('UND_ERR_HEADERS_TIMEOUT')) return { kind: 'timeout', text: `no answer within ${seconds(timeouts.firstByteMs)} of the request (first-byte timeout)` };
  if (has('UND_ERR_BODY_TIMEOUT')) return { kind: 'timeout', text: `the transfer stalled: no data for ${seconds(timeouts.idleMs)} (idle timeout)` };
  if (has('ENOSPC')) return { kind: 'disk', text: 'the disk is full (ENOSPC)' };
  if (has('EDQUOT')) return { kind: 'disk', text: 'the disk quota is used up (EDQUOT)' };
  if (has('ECONNREFUSED')) return { kind: 'refused', text: 'connection refused' };
  if (has('ENOTFOUND', 'EAI_AGAIN')) return { kind: 'refused', text: 'the host name does not resolve' };
  if (has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED') || /terminated|other side closed/i.test(messageOf(error))) {
    return { kind: 'cut', text: 'the connection was cut' };
  }
  return { kind: 'other', text: messageOf(error) };
}

/** The message with its causes' ("fetch failed: bad port"): undici's own says only "fetch failed". */
function messageOf(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 8; current = (current as { cause?: unknown }).cause, depth++) {
    const text = current instanceof Error ? current.message : String(current);
    if (text && !parts.includes(text)) parts.push(text);
  }
  return parts.join(': ');
}
