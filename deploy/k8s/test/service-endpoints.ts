import type { EnvSource } from './k8s-objects';

/** One network endpoint a service's configuration names: where it connects, and which variable says so. */
export interface ServiceEndpoint {
  readonly variable: string;
  readonly host: string;
  readonly port: number;
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/,]+):(\d{1,5})$/;

/**
 * Every endpoint in a container's environment, by the variables' naming convention: `*_BROKERS`
 * and `*_SERVERS` hold comma-separated `host:port` lists (KAFKA_BROKERS, MEMCACHED_SERVERS,
 * MISP_NOTIFICATIONS_BROKERS), `*_URL` an http(s) URL (ELASTICSEARCH_URL, MISP_URL, FEED_URL; the
 * scheme's port when none is given). Values from Secrets are not known here and are skipped;
 * `skip` names variables the service does not use in this configuration (the enricher's
 * MEMCACHED_SERVERS in table mode). A value that does not parse is returned in `invalid`.
 */
export function serviceEndpoints(environment: ReadonlyMap<string, EnvSource>, skip: ReadonlySet<string> = new Set()): { endpoints: ServiceEndpoint[]; invalid: string[] } {
  const endpoints: ServiceEndpoint[] = [];
  const invalid: string[] = [];
  for (const [variable, source] of environment) {
    if (!('value' in source) || skip.has(variable) || source.value.trim() === '') continue;
    if (variable.endsWith('_BROKERS') || variable.endsWith('_SERVERS')) {
      for (const entry of source.value.split(',').map((part) => part.trim()).filter(Boolean)) {
        const match = HOST_PORT.exec(entry);
        if (match === null) invalid.push(`${variable}=${entry}`);
        else endpoints.push({ variable, host: (match[1] ?? '').replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) });
      }
    } else if (variable.endsWith('_URL')) {
      const url = URL.canParse(source.value) ? new URL(source.value) : undefined;
      if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        invalid.push(`${variable}=${source.value}`);
        continue;
      }
      endpoints.push({ variable, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port) });
    }
  }
  return { endpoints, invalid };
}
