import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class SessionIdParam {
  @ApiProperty({ format: 'uuid', description: 'The session' })
  @IsUUID()
  public id!: string;
}
