import { z } from 'zod';
import { IoError } from '../io-error';

export interface ElasticsearchClientOptions {
  /** `http(s)://host:port`; credentials belong in `apiKey` or `username`/`password`, not here. */
  readonly url: string;
  /** An encoded API key (the `encoded` value Elasticsearch returns). Secret. */
  readonly apiKey?: string;
  readonly username?: string;
  /** Secret. */
  readonly password?: string;
  /** PEM file of the CA that signed the cluster's certificate (self-signed clusters). */
  readonly caFile?: string;
  /** Verify the server certificate. Default true; false only for a throw-away local cluster. */
  readonly rejectUnauthorized?: boolean;
  /** Time allowed for one request, a bulk included. Default 30000 ms. */
  readonly requestTimeoutMs?: number;
}

export type ResolvedElasticsearchOptions = Required<Pick<ElasticsearchClientOptions, 'url' | 'rejectUnauthorized' | 'requestTimeoutMs'>> &
  Pick<ElasticsearchClientOptions, 'apiKey' | 'username' | 'password' | 'caFile'>;

const schema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    apiKey: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    caFile: z.string().min(1).optional(),
    rejectUnauthorized: z.boolean().default(true),
    requestTimeoutMs: z.number().int().positive().max(600_000).default(30_000),
  })
  .refine((o) => !(o.apiKey !== undefined && o.username !== undefined), { message: 'give apiKey or username/password, not both' })
  .refine((o) => (o.username === undefined) === (o.password === undefined), { message: 'username and password go together' });

/** Validates once at construction; one error lists every bad option and never quotes a secret. */
export function resolveElasticsearchOptions(options: ElasticsearchClientOptions): ResolvedElasticsearchOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new IoError('INVALID_CONFIG', `elasticsearch options: ${problems}`);
  }
  const url = new URL(parsed.data.url);
  if (url.username !== '' || url.password !== '') {
    throw new IoError('INVALID_CONFIG', 'elasticsearch options: url: put credentials in apiKey or username/password, not in the url');
  }
  return parsed.data;
}
