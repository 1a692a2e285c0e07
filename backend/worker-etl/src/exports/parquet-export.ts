import type { ReportColumnType, ReportExportColumnV1 } from '@casino/contracts';
import type { SchemaElement } from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import type { ExportRow } from './export-cells';

/** Rows per row group: the only part of the file held in memory (encoded, then flushed to the stream). */
export const PARQUET_ROW_GROUP_ROWS = 5_000;

const DAY_MILLIS = 86_400_000;

type ParquetValue = string | bigint | number | null;

interface ParquetColumn {
  element: SchemaElement;
  convert: (value: string) => ParquetValue;
}

/** Money and integers as INT64 (exact, through `BigInt`), decimals as their text, dates as DATE, datetimes in UTC ms. */
const COLUMN_KINDS: Record<ReportColumnType, Omit<SchemaElement, 'name'> & { convert: ParquetColumn['convert'] }> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8', convert: (value) => value },
  decimal: { type: 'BYTE_ARRAY', converted_type: 'UTF8', convert: (value) => value },
  money: { type: 'INT64', convert: (value) => BigInt(value) },
  integer: { type: 'INT64', convert: (value) => BigInt(value) },
  date: { type: 'INT32', converted_type: 'DATE', convert: (value) => Date.parse(`${value}T00:00:00Z`) / DAY_MILLIS },
  datetime: { type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', convert: (value) => BigInt(Date.parse(value)) },
};

function parquetColumnOf(column: ReportExportColumnV1): ParquetColumn {
  const { convert, ...element } = COLUMN_KINDS[column.type];
  return { element: { ...element, name: column.name, repetition_type: 'OPTIONAL' }, convert };
}

/**
 * hyparquet-writer's `ByteWriter`, emptied into a stream at each row group's end (`flush`, which `ParquetWriter`
 * awaits before it encodes the next group), so the file is never whole in memory.
 */
class StreamByteWriter extends ByteWriter {
  public constructor(private readonly output: PassThrough) {
    super(1 << 20);
  }

  public async flush(): Promise<void> {
    if (this.index === 0) return;
    const chunk = Buffer.from(this.buffer.slice(0, this.index));
    this.index = 0;
    if (!this.output.write(chunk)) await once(this.output, 'drain');
  }

  public override finish(): Promise<void> {
    return this.flush();
  }
}

/** A Parquet file (SNAPPY, one row group per `PARQUET_ROW_GROUP_ROWS` rows, column names as the query's). */
export function parquetExport(columns: readonly ReportExportColumnV1[], rows: AsyncIterable<ExportRow>): Readable {
  const output = new PassThrough();
  const parquetColumns = columns.map(parquetColumnOf);
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...parquetColumns.map((column) => column.element),
  ];
  const writer = new ParquetWriter({ writer: new StreamByteWriter(output), schema, createdBy: 'casino report export' });
  let group: ParquetValue[][] = parquetColumns.map(() => []);
  let groupRows = 0;

  const writeGroup = async (): Promise<void> => {
    if (groupRows === 0) return;
    const columnData = parquetColumns.map((column, index) => ({ name: column.element.name, data: group[index] ?? [] }));
    await writer.write({ columnData, rowGroupSize: groupRows });
    group = parquetColumns.map(() => []);
    groupRows = 0;
  };

  // Produce only once the stream is read: an error before then would have no listener.
  output.once('resume', () => {
    void (async () => {
      for await (const row of rows) {
        row.forEach((value, index) => {
          const column = parquetColumns[index];
          group[index]?.push(value === null || !column ? null : column.convert(value));
        });
        groupRows += 1;
        if (groupRows >= PARQUET_ROW_GROUP_ROWS) await writeGroup();
      }
      await writeGroup();
      await writer.finish();
      output.end();
    })().catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  return output;
}
