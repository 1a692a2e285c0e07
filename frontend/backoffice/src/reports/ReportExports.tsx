import DownloadIcon from '@mui/icons-material/Download';
import { Alert, Button, Chip, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { REPORT_EXPORT_FORMATS } from '../../../../libs/contracts/src/jobs/queues';
import type { ReportExportDraft } from '../api/staff-actions';
import type { ReportExportStatus } from '../api/types';
import { useStaffApi } from '../api/use-staff-api';
import type { ReportRun } from './report-draft';

const POLL_MS = 1_000;
const FINAL_STATES: readonly string[] = ['succeeded', 'failed', 'expired'];

/**
 * Exports of what is on screen (`run`, null before a run has answered): the worker writes the file; each status is
 * polled until it is final.
 */
export function ReportExports({ run }: { run: ReportRun | null }): ReactNode {
  const api = useStaffApi();
  const [format, setFormat] = useState<string>(REPORT_EXPORT_FORMATS[0]);
  const [ids, setIds] = useState<string[]>([]);
  const request = useMutation({
    // One key per click: a retry of the request (after a token refresh) is the same export, queued once.
    mutationFn: (what: ReportRun) => api.requestReportExport(exportDraft(what, format), crypto.randomUUID()),
    onSuccess: ({ id }) => setIds((known) => [id, ...known]),
  });
  return (
    <Stack spacing={1} data-testid="report-exports">
      <Typography variant="subtitle1">Export the rows on screen</Typography>
      <Stack direction="row" spacing={1} alignItems="center">
        <TextField
          select
          size="small"
          label="Export format"
          value={format}
          onChange={(event) => setFormat(event.target.value)}
          sx={{ width: 200 }}
        >
          {REPORT_EXPORT_FORMATS.map((name) => (
            <MenuItem key={name} value={name}>
              {name.toUpperCase()}
            </MenuItem>
          ))}
        </TextField>
        <Button
          variant="outlined"
          disabled={run === null || request.isPending}
          onClick={() => run && request.mutate(run)}
        >
          Request export
        </Button>
      </Stack>
      {request.error && <Alert severity="error">{request.error.message}</Alert>}
      {ids.map((id) => (
        <ExportStatusLine key={id} id={id} />
      ))}
    </Stack>
  );
}

function exportDraft(run: ReportRun, format: string): ReportExportDraft {
  return run.kind === 'report' ? { format, report: run.name, dateRange: run.dateRange } : { format, query: run.query };
}

function ExportStatusLine({ id }: { id: string }): ReactNode {
  const api = useStaffApi();
  const { data, error } = useQuery({
    queryKey: ['reports', 'exports', id],
    queryFn: () => api.reportExportStatus(id),
    refetchInterval: (query) => (query.state.data && FINAL_STATES.includes(query.state.data.state) ? false : POLL_MS),
  });
  if (error) return <Alert severity="error">{error.message}</Alert>;
  return (
    <Stack direction="row" spacing={1} alignItems="center" data-testid="report-export" data-export-id={id}>
      <Chip size="small" label={data?.state ?? 'requested'} color={chipColor(data?.state)} data-testid="export-state" />
      {data && <ExportDetails status={data} />}
    </Stack>
  );
}

function ExportDetails({ status }: { status: ReportExportStatus }): ReactNode {
  return (
    <>
      <Typography variant="body2">
        {status.format.toUpperCase()} · {status.description}
        {status.rows !== null && ` · ${status.rows} rows, ${status.bytes ?? '?'} bytes`}
        {status.failureCode && ` · ${status.failureCode}`}
      </Typography>
      {status.download && (
        <Button size="small" startIcon={<DownloadIcon />} href={status.download.url} download>
          Download
        </Button>
      )}
    </>
  );
}

function chipColor(state: string | undefined): 'default' | 'success' | 'error' | 'warning' {
  if (state === 'succeeded') return 'success';
  if (state === 'failed') return 'error';
  if (state === 'expired') return 'warning';
  return 'default';
}
