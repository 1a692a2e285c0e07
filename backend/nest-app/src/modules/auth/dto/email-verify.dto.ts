import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsOptional, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ConsentDecisionDto } from '../../user/consents/dto/consents.dto';

export class EmailVerifyDto {
  @ApiProperty({ example: 'player@example.com' })
  @IsEmail()
  @MaxLength(254)
  public email!: string;

  @ApiProperty({ example: '123456' })
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  public code!: string;

  @ApiPropertyOptional({
    type: [ConsentDecisionDto],
    description: 'Consents given at sign-up (current versions from GET /users/me/consents or the settings)',
  })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => ConsentDecisionDto)
  public consents?: ConsentDecisionDto[];
}
