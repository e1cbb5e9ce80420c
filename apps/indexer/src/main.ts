import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ConfigError, runService } from '@iocflow/nest';
import { AppModule } from './app.module';
import { loadIndexerConfig, type IndexerConfig } from './indexer.config';

function main(): void {
  let config: IndexerConfig;
  try {
    config = loadIndexerConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // one message listing every bad variable, never their values
    console.error(error.message);
    process.exitCode = 1;
    return;
  }

  @Module({ imports: [AppModule.forRoot(config)] })
  class IndexerApplication {}

  void runService('indexer', IndexerApplication);
}

main();
