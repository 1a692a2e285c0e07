import { Global, Module } from '@nestjs/common';
import { OutboxMetrics } from './outbox-metrics';
import { OutboxRelay } from './outbox.relay';
import { OutboxWriter } from './outbox.writer';

@Global()
@Module({ providers: [OutboxWriter, OutboxRelay, OutboxMetrics], exports: [OutboxWriter, OutboxRelay] })
export class OutboxModule {}
