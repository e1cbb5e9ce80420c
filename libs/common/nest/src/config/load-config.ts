import type { z } from 'zod';
import { ConfigError } from './config-error';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Validates the environment once, at boot, into one typed object. Every problem is collected
 * into a single `ConfigError`; values are never echoed back, so a malformed secret cannot leak
 * into a log through its own error message.
 */
export function loadConfig<Schema extends z.ZodType>(schema: Schema, env: Environment = process.env): z.output<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : '(environment)';
    return `${variable}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}
