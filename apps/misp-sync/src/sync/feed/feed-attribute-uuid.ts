import { createHash } from 'node:crypto';

/** Namespace of the name-based uuids below (a fixed random uuid; changing it re-keys every feed attribute). */
const NAMESPACE = Buffer.from('6f1c3d2a8b4e4f7a9c0d5e6f7a8b9c0d', 'hex');

/**
 * The identity of one attribute of a directly read feed: a name-based (version 5, RFC 9562) uuid
 * of the source and the feed's own id for it (the MISP feed's attribute uuid, or `type\nvalue`
 * for CSV and freetext lines, which have none). Stable across polls, so an indicator that leaves
 * the feed is found and removed; distinct per source, so the same MISP feed also imported into a
 * MISP server that misp-sync reads never shares an identity with the server's copy (the two would
 * otherwise overwrite each other's contribution on every run).
 */
export function feedAttributeUuid(source: string, id: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${source}\n${id}`, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
