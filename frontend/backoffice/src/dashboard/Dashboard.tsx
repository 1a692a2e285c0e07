import { Alert, Grid, Stack } from '@mui/material';
import type { ReactNode } from 'react';
import { Loading, Title } from 'react-admin';
import { KpiCards } from './KpiCards';
import { PendingApprovalsChart } from './PendingApprovalsChart';
import { SecurityKindsChart } from './SecurityKindsChart';
import { StatCard } from './StatCard';
import { useDashboard } from './use-dashboard';

/** The first page: what waits for approval, key figures, latest security events. */
export function Dashboard(): ReactNode {
  const { dashboard, error, isPending } = useDashboard();
  if (isPending) return <Loading />;
  if (error || !dashboard) {
    return <Alert severity="error">{error instanceof Error ? error.message : 'The dashboard did not load'}</Alert>;
  }
  const { pendingApprovals } = dashboard;
  return (
    <Stack spacing={2} sx={{ mt: 2 }} data-testid="dashboard">
      <Title title="Dashboard" />
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, sm: 6, md: 3 }}>
          <StatCard label="Adjustments to approve" value={pendingApprovals.adjustments} testId="pending-adjustments" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6, md: 3 }}>
          <StatCard label="Withdrawals to approve" value={pendingApprovals.withdrawals} testId="pending-withdrawals" />
        </Grid>
      </Grid>
      <KpiCards kpis={dashboard.kpis} />
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 6 }}>
          <PendingApprovalsChart pending={pendingApprovals} />
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <SecurityKindsChart events={dashboard.latestSecurityEvents} />
        </Grid>
      </Grid>
    </Stack>
  );
}
