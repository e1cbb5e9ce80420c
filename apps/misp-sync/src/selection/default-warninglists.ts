import commonIocFalsePositive from '../../warninglists/common-ioc-false-positive/list.json';
import emptyHashes from '../../warninglists/empty-hashes/list.json';
import ipv6LinkLocal from '../../warninglists/ipv6-linklocal/list.json';
import multicast from '../../warninglists/multicast/list.json';
import rfc1918 from '../../warninglists/rfc1918/list.json';
import rfc3849 from '../../warninglists/rfc3849/list.json';
import rfc5735 from '../../warninglists/rfc5735/list.json';
import rfc6598 from '../../warninglists/rfc6598/list.json';
import rfc6761 from '../../warninglists/rfc6761/list.json';

/**
 * The warninglists misp-sync ships (apps/misp-sync/warninglists, CC0, origin in its README),
 * bundled into the build so the image needs no data folder: `<folder name>` → list.json content.
 */
export const DEFAULT_WARNINGLISTS: Readonly<Record<string, unknown>> = {
  'common-ioc-false-positive': commonIocFalsePositive,
  'empty-hashes': emptyHashes,
  'ipv6-linklocal': ipv6LinkLocal,
  multicast,
  rfc1918,
  rfc3849,
  rfc5735,
  rfc6598,
  rfc6761,
};
