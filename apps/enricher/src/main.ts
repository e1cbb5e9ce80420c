import 'reflect-metadata';
import { bootService } from '@iocflow/nest';
import { enricherService } from './enricher.service';

void bootService(enricherService);
