import { Module } from '@nestjs/common';
import { PushHub } from './push-hub';
import { PushSubscriber } from './push-subscriber';
import { SessionWatch } from './session-watch';

/** Live push: domain events from NATS to the players' open streams on this instance. */
@Module({
  providers: [PushHub, PushSubscriber, SessionWatch],
  exports: [PushHub, SessionWatch],
})
export class PushModule {}
