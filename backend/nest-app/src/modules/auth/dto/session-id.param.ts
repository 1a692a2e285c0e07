import { IsUUID } from 'class-validator';

export class SessionIdParam {
  @IsUUID()
  public id!: string;
}
