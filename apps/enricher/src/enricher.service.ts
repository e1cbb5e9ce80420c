import type { ServiceDefinition } from '@iocflow/nest';
import { loadEnricherConfig, type EnricherConfig } from './enricher.config';
import { EnricherRuntime } from './enricher.runtime';

/** The enricher as bootService runs it: its config, its runtime. */
export const enricherService: ServiceDefinition<EnricherConfig, EnricherRuntime> = {
  name: 'enricher',
  loadConfig: loadEnricherConfig,
  createRuntime: (config, context) => new EnricherRuntime(config, context),
};
