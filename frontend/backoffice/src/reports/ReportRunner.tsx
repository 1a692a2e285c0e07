import { Alert, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Loading, Title, useCanAccess } from 'react-admin';
import type { ReportResult } from '../api/types';
import { useStaffApi } from '../api/use-staff-api';
import { emptyDraft, runOf, type ReportDraft, type ReportRun } from './report-draft';
import { ReportExports } from './ReportExports';
import { ReportQueryForm } from './ReportQueryForm';
import { ReportResultTable } from './ReportResultTable';

/** The report runner: a saved report or a built query, run against the API, its answer as a table, exports of it. */
export function ReportRunner(): ReactNode {
  const api = useStaffApi();
  const catalogue = useQuery({ queryKey: ['reports', 'catalogue'], queryFn: () => api.reportCatalogue() });
  const [draft, setDraft] = useState<ReportDraft>(() => emptyDraft());
  const run = useMutation({
    mutationFn: async (request: ReportRun): Promise<{ request: ReportRun; result: ReportResult }> => ({
      request,
      result:
        request.kind === 'report'
          ? await api.runNamedReport(request.name, request.dateRange)
          : await api.runReportQuery(request.query),
    }),
  });
  if (catalogue.isPending) return <Loading />;
  if (!catalogue.data) {
    return <Alert severity="error">{catalogue.error?.message ?? 'The report catalogue did not load'}</Alert>;
  }
  return (
    <Stack spacing={2} sx={{ mt: 2 }} data-testid="report-runner">
      <Title title="Reports" />
      <Card>
        <CardContent>
          <ReportQueryForm
            catalogue={catalogue.data}
            draft={draft}
            running={run.isPending}
            onChange={setDraft}
            onRun={() => run.mutate(runOf(draft))}
          />
        </CardContent>
      </Card>
      {run.error && (
        <Alert severity="error" data-testid="report-error">
          {run.error.message}
        </Alert>
      )}
      {run.data && !run.isPending && !run.error && (
        <Card>
          <CardContent>
            <Stack spacing={2}>
              <ResultHeader result={run.data.result} />
              <ReportResultTable
                key={run.data.result.generatedAt}
                catalogue={catalogue.data}
                result={run.data.result}
              />
            </Stack>
          </CardContent>
        </Card>
      )}
      <ExportsIfAllowed run={run.data && !run.isPending && !run.error ? run.data.request : null} />
    </Stack>
  );
}

function ResultHeader({ result }: { result: ReportResult }): ReactNode {
  const { dateRange, timeZone } = result.query;
  return (
    <Stack spacing={1}>
      {result.provisional && (
        <Alert severity="warning" data-testid="report-provisional">
          Provisional: the dates reach yesterday or today in {timeZone}, so these figures may still change.
        </Alert>
      )}
      <Stack direction="row" spacing={1} alignItems="center">
        <Typography variant="subtitle1">
          {dateRange.from} to {dateRange.to} ({timeZone}) · {result.rows.length} rows
        </Typography>
        {result.cached && (
          <Chip size="small" label={`cached, computed ${result.generatedAt}`} data-testid="report-cached" />
        )}
      </Stack>
    </Stack>
  );
}

/** Stays mounted across runs, so exports asked for earlier keep their status lines. */
function ExportsIfAllowed({ run }: { run: ReportRun | null }): ReactNode {
  const { canAccess } = useCanAccess({ resource: 'reports', action: 'export' });
  if (!canAccess) return null;
  return (
    <Card>
      <CardContent>
        <ReportExports run={run} />
      </CardContent>
    </Card>
  );
}
