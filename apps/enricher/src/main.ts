import 'reflect-metadata';
import { runService } from '@iocflow/nest';
import { createAppModule } from './app.module';
import { loadEnricherConfig, type EnricherConfig } from './enricher.config';

// Config is validated before Nest boots: a bad environment exits at once with every problem listed.
async function main(): Promise<void> {
  let config: EnricherConfig;
  try {
    config = loadEnricherConfig();
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
    return;
  }
  await runService('enricher', createAppModule(config));
}

void main();
