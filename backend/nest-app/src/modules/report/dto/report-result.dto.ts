import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const ROW = {
  type: 'array',
  items: { type: 'object', additionalProperties: { type: 'string', nullable: true } },
  description:
    'Dimension values and measures by name: money and counts as strings of integers (minor units), a percent as a ' +
    'decimal string, null when undefined (x/0)',
} as const;

export class ReportCatalogueEntryDto {
  @ApiProperty() public name!: string;
  @ApiProperty() public title!: string;
  @ApiPropertyOptional({ enum: ['money', 'count', 'percent'] }) public kind?: string;
  @ApiPropertyOptional() public description?: string;
  @ApiPropertyOptional() public time?: boolean;
}

export class NamedReportEntryDto {
  @ApiProperty() public name!: string;
  @ApiProperty() public title!: string;
  @ApiProperty() public description!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) public query!: Record<string, unknown>;
}

export class ReportCatalogueDto {
  @ApiProperty({ type: [ReportCatalogueEntryDto] }) public measures!: ReportCatalogueEntryDto[];
  @ApiProperty({ type: [ReportCatalogueEntryDto] }) public dimensions!: ReportCatalogueEntryDto[];
  @ApiProperty({ type: [NamedReportEntryDto] }) public reports!: NamedReportEntryDto[];
}

export class ReportResultDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The query as normalized and run' })
  public query!: object;

  @ApiProperty({ type: 'string', nullable: true, description: 'The named report, if one was run' })
  public report!: string | null;

  @ApiProperty(ROW) public rows!: Record<string, string | null>[];

  @ApiProperty({ ...ROW, description: 'Over the whole range, per currency when currency is a dimension' })
  public totals!: Record<string, string | null>[];

  @ApiProperty({ description: 'The range reaches yesterday or later in its zone: figures may still change' })
  public provisional!: boolean;

  @ApiProperty() public cached!: boolean;
  @ApiProperty({ format: 'date-time' }) public generatedAt!: string;
}
