import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, env, parseEnv } from './env-config.js';

describe('parseEnv', () => {
  const schema = z.object({ PORT: env.port(8080), FLAG: env.boolean(false), NAME: z.string() });

  it('applies defaults and coerces values', () => {
    expect(parseEnv(schema, { NAME: 'x', PORT: '9000', FLAG: '1' })).toEqual({ NAME: 'x', PORT: 9000, FLAG: true });
    expect(parseEnv(schema, { NAME: 'x' })).toEqual({ NAME: 'x', PORT: 8080, FLAG: false });
  });

  it('lists every problem with the variable name and the offending value', () => {
    expect(() => parseEnv(schema, { PORT: 'abc', FLAG: 'maybe' })).toThrow(ConfigError);
    try {
      parseEnv(schema, { PORT: '1.5', FLAG: 'maybe' });
    } catch (error) {
      const { problems, message } = error as ConfigError;
      expect(problems).toEqual([
        'PORT: expected an integer from 0 to 65535, got "1.5"',
        'FLAG: expected true or false, got "maybe"',
        expect.stringMatching(/^NAME: /),
      ]);
      expect(message).toContain('invalid configuration');
    }
  });
});
