import type { KafkaBatchConsumerPort } from '@iocflow/io';
import { parseMispNotification } from './parse-misp-notification';
import type { PipelineLogger } from './sync-ports';
import type { RunnerTask } from './sync.runner';

/**
 * Live changes from MISP's own Kafka notifications (`Plugin.Kafka_attribute_notifications_topic`,
 * `misp_attribute` by default), for seconds-latency updates. MISP publishes them fire-and-forget,
 * so the REST poll stays the reconciliation that heals anything missed. Each batch's attribute
 * uuids are refreshed from MISP; the group offset is committed only after that was applied, and a
 * batch whose refresh failed is consumed again.
 */
export class MispNotificationsSource implements RunnerTask {
  readonly name = 'misp-notifications';

  constructor(
    private readonly consumer: KafkaBatchConsumerPort,
    private readonly refresh: (uuids: readonly string[]) => Promise<{ added: number; updated: number; removed: number }>,
    private readonly logger: PipelineLogger,
  ) {}

  async start(): Promise<void> {
    await this.consumer.run(async (batch) => {
      const uuids = new Set<string>();
      let ignored = 0;
      for (const message of batch.messages) {
        const notification = message.value === null ? undefined : parseMispNotification(message.value.toString('utf8'));
        if (notification === undefined) ignored++;
        else uuids.add(notification.attributeUuid);
      }
      if (ignored > 0) this.logger.warn('ignored messages that are not MISP attribute notifications', { topic: batch.topic, ignored });
      if (uuids.size === 0) return;
      let result: Awaited<ReturnType<typeof this.refresh>>;
      try {
        result = await this.refresh([...uuids]);
      } catch (error) {
        // MISP, memcached or Kafka failing (or refusing) is the world's problem: the batch is
        // fetched again later, never a reason for kafkajs to stop this consumer for good.
        throw new NotificationRefreshError(error);
      }
      this.logger.info('applied MISP notifications', { attributes: uuids.size, ...result });
    });
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }
}

/** A refresh of notified attributes failed; always retriable (the notification batch stays uncommitted). */
export class NotificationRefreshError extends Error {
  readonly code = 'NOTIFICATION_REFRESH_FAILED';
  readonly retriable = true;

  constructor(cause: unknown) {
    super(`refreshing notified attributes failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'NotificationRefreshError';
  }
}
