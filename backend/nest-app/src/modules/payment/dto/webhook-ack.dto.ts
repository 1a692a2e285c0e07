import { ApiProperty } from '@nestjs/swagger';

export class WebhookAckDto {
  @ApiProperty()
  public received!: true;

  @ApiProperty({ description: 'The event id was processed before; nothing was done again' })
  public duplicate!: boolean;

  @ApiProperty({ enum: ['applied', 'ignored', 'unknown_intent', 'mismatch', 'duplicate'] })
  public outcome!: string;
}
