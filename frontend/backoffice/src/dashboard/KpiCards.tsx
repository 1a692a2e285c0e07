import { Alert, Grid } from '@mui/material';
import type { ReactNode } from 'react';
import type { Dashboard } from '../api/types';
import { StatCard } from './StatCard';

/**
 * The report module's figures, as the API gives them (strings stay strings: money is exact minor units). When
 * the reports are not there, the API says why and so does this card.
 */
export function KpiCards({ kpis }: { kpis: Dashboard['kpis'] }): ReactNode {
  if (!kpis.available) return <Alert severity="info">Key figures are not available: {String(kpis.reason)}</Alert>;
  const figures = Object.entries(kpis).filter(
    ([key, value]) => key !== 'available' && (typeof value === 'string' || typeof value === 'number'),
  );
  return (
    <Grid container spacing={2}>
      {figures.map(([key, value]) => (
        <Grid key={key} size={{ xs: 12, sm: 6, md: 3 }}>
          <StatCard label={key} value={String(value)} />
        </Grid>
      ))}
    </Grid>
  );
}
