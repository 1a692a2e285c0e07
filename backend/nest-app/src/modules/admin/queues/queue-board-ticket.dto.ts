import { ApiProperty } from '@nestjs/swagger';

export class QueueBoardTicketDto {
  @ApiProperty({ example: '/admin/queues/', description: 'Where the board is; the cookie just set is scoped to it' })
  public url!: string;

  @ApiProperty({ example: 600 })
  public expiresInSeconds!: number;
}
