import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ServiceCoreModule } from '@iocflow/nest';
import { loadIndexerConfig } from './indexer.config';
import { IndexerModule } from './indexer.module';
import { INDEXER_CONFIG } from './indexer.tokens';

/** The indexer service: shared core (logger, metrics, health) + the indexer pipeline. Headless. */
@Global()
@Module({})
export class AppModule {
  static forRoot(config = loadIndexerConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forRoot({ service: 'indexer', logLevel: config.LOG_LEVEL, httpHost: config.HTTP_HOST, httpPort: config.HTTP_PORT }),
        IndexerModule,
      ],
      providers: [{ provide: INDEXER_CONFIG, useValue: config }],
      exports: [INDEXER_CONFIG],
    };
  }
}
