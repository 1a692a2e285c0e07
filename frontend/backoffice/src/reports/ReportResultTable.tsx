import {
  Table,
  TableBody,
  TableCell,
  TableFooter,
  TableHead,
  TablePagination,
  TableRow,
  Typography,
} from '@mui/material';
import { useState, type ReactNode } from 'react';
import type { ReportCatalogue, ReportResult, ReportRow } from '../api/types';
import { currencyOf, measureText, type MeasureKind } from './report-cells';

const ROWS_PER_PAGE = 100;

interface Column {
  name: string;
  title: string;
  measure: boolean;
  kind?: MeasureKind;
}

/** The answer's rows, dimensions first then measures (the API's order), with its totals as the footer. */
export function ReportResultTable({
  catalogue,
  result,
}: {
  catalogue: ReportCatalogue;
  result: ReportResult;
}): ReactNode {
  const [page, setPage] = useState(0);
  const columns = columnsOf(catalogue, result);
  if (result.rows.length === 0)
    return <Typography color="text.secondary">No rows for these dates and filters</Typography>;
  const shown = result.rows.slice(page * ROWS_PER_PAGE, (page + 1) * ROWS_PER_PAGE);
  // Without dimensions the one row is the total already.
  const totals = result.query.dimensions.length > 0 ? result.totals : [];
  return (
    <>
      <Table size="small" data-testid="report-table">
        <TableHead>
          <TableRow>
            {columns.map((column) => (
              <TableCell key={column.name} align={column.measure ? 'right' : 'left'}>
                {column.title}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map((row, index) => (
            <TableRow key={index} data-testid="report-row">
              {columns.map((column) => (
                <TableCell key={column.name} align={column.measure ? 'right' : 'left'}>
                  {cellOf(column, row, result)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
        <TableFooter>
          {totals.map((total, index) => (
            <TableRow key={index} data-testid="report-total">
              {columns.map((column, at) => (
                <TableCell key={column.name} align={column.measure ? 'right' : 'left'} sx={{ fontWeight: 'bold' }}>
                  {totalCellOf(column, at, total, result)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableFooter>
      </Table>
      {result.rows.length > ROWS_PER_PAGE && (
        <TablePagination
          component="div"
          count={result.rows.length}
          page={page}
          rowsPerPage={ROWS_PER_PAGE}
          rowsPerPageOptions={[ROWS_PER_PAGE]}
          onPageChange={(_event, next) => setPage(next)}
        />
      )}
    </>
  );
}

function columnsOf(catalogue: ReportCatalogue, result: ReportResult): Column[] {
  const dimensions = result.query.dimensions.map((name) => ({
    name,
    title: catalogue.dimensions.find((dimension) => dimension.name === name)?.title ?? name,
    measure: false,
  }));
  const measures = result.query.measures.map((name) => {
    const measure = catalogue.measures.find((candidate) => candidate.name === name);
    return { name, title: measure?.title ?? name, measure: true, kind: measure?.kind };
  });
  return [...dimensions, ...measures];
}

function cellOf(column: Column, row: ReportRow, result: ReportResult): string {
  if (!column.measure) return row[column.name] ?? '';
  return measureText(column.kind, row[column.name] ?? null, currencyOf(row, result.query));
}

/** A totals row: its currency where currency is a column, "Total" in the first other column. */
function totalCellOf(column: Column, index: number, total: ReportRow, result: ReportResult): string {
  if (column.measure) return cellOf(column, total, result);
  if (column.name === 'currency') return total.currency ?? '';
  const firstOther = result.query.dimensions.findIndex((name) => name !== 'currency');
  return index === firstOther ? 'Total' : '';
}
