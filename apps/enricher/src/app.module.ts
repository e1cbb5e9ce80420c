import { Module, type Type } from '@nestjs/common';
import { ServiceCoreModule } from '@iocflow/nest';
import type { EnricherConfig } from './enricher.config';
import { EnricherService } from './enricher.service';
import { ENRICHER_CONFIG } from './enricher.tokens';

/**
 * The enricher's root module, built from the validated config: headless (health/metrics
 * listener only), one service owning the pipeline.
 */
export function createAppModule(config: EnricherConfig): Type<unknown> {
  @Module({
    imports: [ServiceCoreModule.forRoot({ service: 'enricher', logLevel: config.LOG_LEVEL, httpHost: config.HTTP_HOST, httpPort: config.HTTP_PORT })],
    providers: [{ provide: ENRICHER_CONFIG, useValue: config }, EnricherService],
  })
  class AppModule {}
  return AppModule;
}
