import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';

/** POST /users/me/email: sends a code to the new address; the change happens on confirmation. */
export class ChangeEmailDto {
  @ApiProperty({ example: 'new.address@example.test' })
  @IsEmail()
  @MaxLength(254)
  public email!: string;
}
