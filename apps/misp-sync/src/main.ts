import { Module } from '@nestjs/common';
import { ConfigError, runService } from '@iocflow/nest';
import { AppModule, MispSyncLifecycle } from './app.module';
import { loadMispSyncConfig } from './misp-sync.config';
import { SyncRunner } from './sync/sync.runner';

/**
 * misp-sync. Daemon by default (a sync every MISP_POLL_INTERVAL, live notifications when
 * configured); `--once` runs one sync and exits 0 on success, 1 on failure.
 */
async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  let config;
  try {
    config = loadMispSyncConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  @Module({ imports: [AppModule.forRoot(config, once)] })
  class MispSyncRoot {}
  const app = await runService('misp-sync', MispSyncRoot);
  if (app === undefined || !once) return;
  let ok = false;
  try {
    await app.get(MispSyncLifecycle).open();
    ok = await app.get(SyncRunner).runOnce();
  } catch (error) {
    console.error('misp-sync --once failed:', error instanceof Error ? error.message : String(error));
  } finally {
    await app.close();
  }
  process.exitCode = ok ? 0 : 1;
}

void main();
