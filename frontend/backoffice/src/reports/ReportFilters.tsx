import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import { Button, IconButton, MenuItem, Stack, TextField } from '@mui/material';
import type { ReactNode } from 'react';
import type { ReportCatalogue } from '../api/types';
import type { FilterDraft } from './report-draft';

/** Filters on attribute dimensions (time is the date range): one value with "equals", a comma-separated list with "in". */
export function ReportFilters({
  dimensions,
  filters,
  disabled,
  onChange,
}: {
  dimensions: ReportCatalogue['dimensions'];
  filters: readonly FilterDraft[];
  disabled: boolean;
  onChange: (filters: FilterDraft[]) => void;
}): ReactNode {
  const attributes = dimensions.filter((dimension) => !dimension.time);
  const update = (index: number, change: Partial<FilterDraft>): void =>
    onChange(filters.map((filter, at) => (at === index ? { ...filter, ...change } : filter)));
  return (
    <Stack spacing={1} data-testid="report-filters">
      {filters.map((filter, index) => (
        <Stack key={index} direction="row" spacing={1} alignItems="center">
          <TextField
            select
            size="small"
            label={`Filter ${index + 1} dimension`}
            value={filter.dimension}
            disabled={disabled}
            onChange={(event) => update(index, { dimension: event.target.value })}
            sx={{ minWidth: 260 }}
          >
            {attributes.map((dimension) => (
              <MenuItem key={dimension.name} value={dimension.name}>
                {dimension.title}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            select
            size="small"
            label={`Filter ${index + 1} operator`}
            value={filter.operator}
            disabled={disabled}
            onChange={(event) => update(index, { operator: event.target.value as FilterDraft['operator'] })}
            sx={{ minWidth: 140 }}
          >
            <MenuItem value="equals">equals</MenuItem>
            <MenuItem value="in">is one of</MenuItem>
          </TextField>
          <TextField
            size="small"
            label={`Filter ${index + 1} values`}
            helperText={filter.operator === 'in' ? 'Comma-separated' : undefined}
            value={filter.values}
            disabled={disabled}
            onChange={(event) => update(index, { values: event.target.value })}
          />
          <IconButton
            aria-label={`Remove filter ${index + 1}`}
            disabled={disabled}
            onClick={() => onChange(filters.filter((_filter, at) => at !== index))}
          >
            <DeleteIcon />
          </IconButton>
        </Stack>
      ))}
      <div>
        <Button
          startIcon={<AddIcon />}
          disabled={disabled || attributes.length === 0}
          onClick={() => onChange([...filters, { dimension: attributes[0].name, operator: 'equals', values: '' }])}
        >
          Add filter
        </Button>
      </div>
    </Stack>
  );
}
