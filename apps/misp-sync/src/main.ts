import 'reflect-metadata';
import { bootService } from '@iocflow/nest';
import { mispSyncService } from './misp-sync.service';

/**
 * misp-sync. Daemon by default (a sync every MISP_POLL_INTERVAL, live notifications when
 * configured); `--once` runs one sync of every source and exits 0 on success, 1 on failure.
 */
const once = process.argv.includes('--once');
void bootService(mispSyncService(once), { once });
