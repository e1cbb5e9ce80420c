import type { ServiceDefinition } from '@iocflow/nest';
import { loadMispSyncConfig, type MispSyncConfig } from './misp-sync.config';
import { MispSyncRuntime } from './misp-sync.runtime';

/** misp-sync as bootService runs it; `once` (`--once`): open, one run of every source, exit. */
export function mispSyncService(once: boolean): ServiceDefinition<MispSyncConfig, MispSyncRuntime> {
  return {
    name: 'misp-sync',
    loadConfig: loadMispSyncConfig,
    createRuntime: (config, context) => new MispSyncRuntime(config, context, once),
  };
}
