/**
 * Data stream names (`ELASTICSEARCH_INDEX` when `ELASTICSEARCH_INDEX_MODE=data-stream`).
 *
 * Elasticsearch's rules: lower-case; none of `\ / * ? " < > | , # :` or a space; not starting
 * with `-`, `_` or `+` (nor `.`: dot-names are hidden and `.ds-` is reserved for the backing
 * indices); not `.` or `..`; and the backing index `.ds-<name>-YYYY.MM.DD-000001` must fit in
 * 255 bytes. Elastic's naming scheme `<type>-<dataset>-<namespace>` (e.g. `logs-iocflow-default`)
 * is recommended, not enforced: `conventionalDataStreamName` tells whether a name follows it.
 */

const FORBIDDEN_CHARACTERS = /[\\/*?"<>| ,#:]/;
const MAX_INDEX_NAME_BYTES = 255;
/** `.ds-` before the name and `-YYYY.MM.DD-000001` after it, in the backing index names. */
const BACKING_INDEX_OVERHEAD_BYTES = 4 + 18;

export class InvalidDataStreamNameError extends Error {
  readonly code = 'INVALID_DATA_STREAM_NAME';
  /** A configuration error: retrying with the same value cannot help. */
  readonly retryable = false;

  constructor(name: string, why: string) {
    super(`invalid Elasticsearch data stream name ${JSON.stringify(name)}: ${why}`);
    this.name = 'InvalidDataStreamNameError';
  }
}

/** Returns the name unchanged when Elasticsearch accepts it as a data stream; throws otherwise. */
export function validateDataStreamName(name: string): string {
  if (name.length === 0) throw new InvalidDataStreamNameError(name, 'must not be empty');
  if (name !== name.toLowerCase()) throw new InvalidDataStreamNameError(name, 'must be lower-case');
  if (FORBIDDEN_CHARACTERS.test(name)) throw new InvalidDataStreamNameError(name, 'must not contain \\ / * ? " < > | space , # :');
  if (/^[-_+.]/.test(name)) throw new InvalidDataStreamNameError(name, 'must not start with -, _, + or .');
  if (Buffer.byteLength(name, 'utf8') + BACKING_INDEX_OVERHEAD_BYTES > MAX_INDEX_NAME_BYTES) {
    throw new InvalidDataStreamNameError(name, `must leave room for its backing index names within ${MAX_INDEX_NAME_BYTES} bytes`);
  }
  return name;
}

/** True for `<type>-<dataset>-<namespace>` with a known type, no `-` in the dataset or namespace. */
export function conventionalDataStreamName(name: string): boolean {
  return /^(logs|metrics|traces|synthetics)-[^-]+-[^-]+$/.test(name);
}
