import { Module } from '@nestjs/common';
import { OutboundVolumeCircuit } from './outbound-volume.circuit';

/** The platform-wide circuit of outgoing mails and texts, which the mail and SMS producers pass through. */
@Module({ providers: [OutboundVolumeCircuit], exports: [OutboundVolumeCircuit] })
export class OutboundModule {}
