import type { ServiceDefinition } from '@iocflow/nest';
import { loadHunterConfig, type HunterConfig } from './hunter.config';
import { HunterRuntime } from './hunter.runtime';

/** The hunter as bootService runs it: its config, its runtime. */
export const hunterService: ServiceDefinition<HunterConfig, HunterRuntime> = {
  name: 'hunter',
  loadConfig: loadHunterConfig,
  createRuntime: (config, context) => new HunterRuntime(config, context),
};
