import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsString, Length, ValidateNested } from 'class-validator';
import { CONSENT_KINDS, type ConsentKind } from '../consent-types';

export class ConsentStatusDto {
  @ApiProperty({ enum: CONSENT_KINDS })
  public kind!: ConsentKind;

  @ApiProperty({ description: 'The version in force now' })
  public currentVersion!: string;

  @ApiProperty({ nullable: true, type: String })
  public acceptedVersion!: string | null;

  @ApiProperty()
  public granted!: boolean;

  @ApiProperty()
  public required!: boolean;

  @ApiProperty({
    description: 'True when the player must (re)accept: required and not granted for the current version',
  })
  public actionNeeded!: boolean;

  @ApiProperty({ nullable: true, type: String })
  public recordedAt!: string | null;
}

export class ConsentsDto {
  @ApiProperty({ type: [ConsentStatusDto] })
  public consents!: ConsentStatusDto[];
}

export class ConsentDecisionDto {
  @ApiProperty({ enum: CONSENT_KINDS })
  @IsIn(CONSENT_KINDS)
  public kind!: ConsentKind;

  @ApiProperty({ description: 'Must be the current version (GET shows it)' })
  @IsString()
  @Length(1, 32)
  public version!: string;

  @ApiProperty()
  @IsBoolean()
  public granted!: boolean;
}

/** PUT /users/me/consents. */
export class UpdateConsentsDto {
  @ApiProperty({ type: [ConsentDecisionDto] })
  @ValidateNested({ each: true })
  @Type(() => ConsentDecisionDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  public consents!: ConsentDecisionDto[];
}
