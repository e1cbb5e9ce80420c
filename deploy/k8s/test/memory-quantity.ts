/** Kubernetes memory quantities (Ki, Mi, Gi, or plain bytes) in bytes; undefined for anything else. */
const MEMORY_UNITS: Readonly<Record<string, number>> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

export function memoryBytes(quantity: string | undefined): number | undefined {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity ?? '');
  if (!match) return undefined;
  return Number(match[1]) * (MEMORY_UNITS[match[2] ?? ''] ?? Number.NaN);
}
