import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** Rows of plain API objects as a table, columns from the keys (for the 360 page's activity lists). */
export function ObjectTable({
  rows,
  columns,
  empty = 'Nothing yet',
}: {
  rows: readonly Record<string, unknown>[] | undefined;
  columns?: string[];
  empty?: string;
}): ReactNode {
  if (!rows || rows.length === 0) return <Typography color="text.secondary">{empty}</Typography>;
  const keys =
    columns ?? Object.keys(rows[0]).filter((key) => typeof rows[0][key] !== 'object' || rows[0][key] === null);
  return (
    <Table size="small">
      <TableHead>
        <TableRow>
          {keys.map((key) => (
            <TableCell key={key}>{key}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((row, index) => (
          <TableRow key={String(row.id ?? index)}>
            {keys.map((key) => (
              <TableCell key={key}>{cellText(row[key])}</TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
