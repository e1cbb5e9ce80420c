import 'reflect-metadata';
import { bootService } from '@iocflow/nest';
import { hunterService } from './hunter.service';

void bootService(hunterService);
