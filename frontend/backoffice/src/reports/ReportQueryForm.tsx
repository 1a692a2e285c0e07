import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import { Button, MenuItem, Stack, TextField, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import type { ReportCatalogue } from '../api/types';
import { NameCheckboxes } from './NameCheckboxes';
import { withSavedReport, type ReportDraft } from './report-draft';
import { ReportFilters } from './ReportFilters';

/**
 * A saved report of the catalogue (its query fixed, only the dates free) or a query built from the catalogue's
 * measures, dimensions and filters, over local dates in a time zone.
 */
export function ReportQueryForm({
  catalogue,
  draft,
  running,
  onChange,
  onRun,
}: {
  catalogue: ReportCatalogue;
  draft: ReportDraft;
  running: boolean;
  onChange: (draft: ReportDraft) => void;
  onRun: () => void;
}): ReactNode {
  const saved = catalogue.reports.find((report) => report.name === draft.report);
  const fixed = saved !== undefined;
  return (
    <Stack
      spacing={2}
      component="form"
      onSubmit={(event) => {
        event.preventDefault();
        onRun();
      }}
    >
      <TextField
        select
        label="Saved report"
        value={draft.report}
        onChange={(event) => onChange(withSavedReport(draft, catalogue, event.target.value))}
        slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
        sx={{ maxWidth: 720 }}
      >
        <MenuItem value="">Build a query</MenuItem>
        {catalogue.reports.map((report) => (
          <MenuItem key={report.name} value={report.name}>
            {report.title}
          </MenuItem>
        ))}
      </TextField>
      {saved && (
        <Typography variant="body2" color="text.secondary">
          {saved.description}
        </Typography>
      )}
      <Stack direction="row" spacing={2}>
        <TextField
          type="date"
          label="From"
          name="from"
          value={draft.dateRange.from}
          onChange={(event) => onChange({ ...draft, dateRange: { ...draft.dateRange, from: event.target.value } })}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <TextField
          type="date"
          label="To"
          name="to"
          value={draft.dateRange.to}
          onChange={(event) => onChange({ ...draft, dateRange: { ...draft.dateRange, to: event.target.value } })}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <TextField
          label="Time zone"
          name="timeZone"
          helperText="IANA name, e.g. Europe/London"
          value={draft.timeZone}
          disabled={fixed}
          onChange={(event) => onChange({ ...draft, timeZone: event.target.value })}
        />
      </Stack>
      <NameCheckboxes
        label="Measures"
        entries={catalogue.measures}
        selected={draft.measures}
        disabled={fixed}
        onChange={(measures) => onChange({ ...draft, measures })}
      />
      <NameCheckboxes
        label="Dimensions"
        entries={catalogue.dimensions}
        selected={draft.dimensions}
        disabled={fixed}
        onChange={(dimensions) => onChange({ ...draft, dimensions })}
      />
      <ReportFilters
        dimensions={catalogue.dimensions}
        filters={draft.filters}
        disabled={fixed}
        onChange={(filters) => onChange({ ...draft, filters })}
      />
      <div>
        <Button type="submit" variant="contained" startIcon={<PlayArrowIcon />} disabled={running}>
          {running ? 'Running…' : 'Run report'}
        </Button>
      </div>
    </Stack>
  );
}
