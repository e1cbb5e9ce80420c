/** Raised once at boot when the environment is invalid; the message lists every bad variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly retriable = false;

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
