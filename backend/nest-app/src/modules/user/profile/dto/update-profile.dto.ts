import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDateString,
  IsISO31661Alpha2,
  IsISO4217CurrencyCode,
  IsOptional,
  IsPhoneNumber,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';

const PRINTABLE = /^[^\p{C}]*$/u;
export const E164 = /^\+[1-9]\d{6,14}$/;

/** PATCH /users/me. Absent fields stay as they are; names may be cleared with null. */
export class UpdateProfileDto {
  @ApiPropertyOptional({ example: 'LuckyAlice', nullable: true })
  @IsOptional()
  @IsString()
  @Length(2, 32)
  @Matches(PRINTABLE, { message: 'displayName must not contain control characters' })
  public displayName?: string | null;

  @ApiPropertyOptional({ example: 'Alice', nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(PRINTABLE, { message: 'firstName must not contain control characters' })
  public firstName?: string | null;

  @ApiPropertyOptional({ example: 'Liddell', nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(PRINTABLE, { message: 'lastName must not contain control characters' })
  public lastName?: string | null;

  @ApiPropertyOptional({ example: '1990-05-17', description: 'YYYY-MM-DD; the player must be of age' })
  @ValidateIf((_object, value) => value !== undefined)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthDate must be YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: 'birthDate must be a real calendar date' })
  public birthDate?: string;

  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166-1 alpha-2, upper case' })
  @ValidateIf((_object, value) => value !== undefined)
  @Matches(/^[A-Z]{2}$/, { message: 'country must be two upper-case letters' })
  @IsISO31661Alpha2()
  public country?: string;

  @ApiPropertyOptional({ example: 'en', description: 'BCP 47 language, e.g. en or pt-BR' })
  @ValidateIf((_object, value) => value !== undefined)
  @Matches(/^[a-z]{2,3}(-[A-Z]{2})?$/, { message: 'language must look like en or pt-BR' })
  public language?: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217; changeable only before the first deposit' })
  @ValidateIf((_object, value) => value !== undefined)
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be three upper-case letters' })
  @IsISO4217CurrencyCode()
  public currency?: string;

  @ApiPropertyOptional({ example: '+447911123456', description: 'E.164; takes effect once confirmed by SMS code' })
  @ValidateIf((_object, value) => value !== undefined)
  @Matches(E164, { message: 'phone must be in E.164 format (+ and up to 15 digits)' })
  @IsPhoneNumber(undefined, { message: 'phone must be a valid phone number' })
  public phone?: string;
}
