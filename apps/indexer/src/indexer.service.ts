import type { ServiceDefinition } from '@iocflow/nest';
import { loadIndexerConfig, type IndexerConfig } from './indexer.config';
import { IndexerRuntime } from './indexer.runtime';

/** The indexer as bootService runs it: its config, its runtime. */
export const indexerService: ServiceDefinition<IndexerConfig, IndexerRuntime> = {
  name: 'indexer',
  loadConfig: loadIndexerConfig,
  createRuntime: (config, context) => new IndexerRuntime(config, context),
};
