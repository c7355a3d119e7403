/** Whatever a log line is given, no credential reaches the output. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubCredentials } from './logger.js';

const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJlLWJ5dGVz';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) });
  return { logger: createLogger({ name: 'test', level: 'debug', destination }), lines };
}

describe('createLogger', () => {
  it('redacts authorization and token fields', () => {
    const { logger, lines } = capture();
    logger.info(
      { authorization: `Bearer ${JWT}`, headers: { authorization: 'x' }, call: { token: 'opaque-secret' } },
      'call',
    );
    expect(lines.join('')).not.toMatch(/opaque-secret|eyJ/);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      authorization: '[redacted]',
      headers: { authorization: '[redacted]' },
      call: { token: '[redacted]' },
    });
  });

  it('replaces tokens wherever they appear: messages, nested values, error messages and stacks', () => {
    const { logger, lines } = capture();
    const error = new Error(`upstream refused authorization: Bearer ${JWT}`);
    logger.error({ err: error, context: { seen: [`token=${JWT}`] } }, `failed with ${JWT}`);
    const line = lines.join('');
    expect(line).not.toContain(JWT);
    expect(line).not.toMatch(/eyJhbGci/);
    expect(line).toContain('Bearer [redacted]');
    expect(JSON.parse(line).msg).toBe('failed with [redacted]');
  });

  it('leaves text that only talks about tokens alone', () => {
    const text = 'missing bearer token: send metadata "authorization: Bearer <jwt>"';
    expect(scrubCredentials(text)).toBe(text);
    expect(scrubCredentials('request 7d9f eyeJack; Bearer')).toBe('request 7d9f eyeJack; Bearer');
  });
});
