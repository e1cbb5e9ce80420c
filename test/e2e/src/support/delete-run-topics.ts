import { Kafka, logLevel } from 'kafkajs';
import { stackEndpoints } from '@iocflow/testing';

/**
 * Deletes every topic whose name starts with `<runId>-`: those a spec created and those the
 * services created from its names (misp-sync's `<iocs>-sync-state`, the dead-letter topics, the
 * hits topic). Listed rather than named, so a topic a service adds later is not left behind.
 */
export async function deleteRunTopics(runId: string): Promise<void> {
  const admin = new Kafka({ clientId: `${runId}-cleanup`, brokers: stackEndpoints().kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ours = (await admin.listTopics()).filter((topic) => topic.startsWith(`${runId}-`));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } finally {
    await admin.disconnect();
  }
}
