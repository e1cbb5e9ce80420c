import 'reflect-metadata';
import { bootService } from '@iocflow/nest';
import { indexerService } from './indexer.service';

void bootService(indexerService);
