import { Card, CardContent, CardHeader } from '@mui/material';
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Dashboard } from '../api/types';

/** What waits for a second pair of eyes: adjustments and withdrawals. */
export function PendingApprovalsChart({ pending }: { pending: Dashboard['pendingApprovals'] }): ReactNode {
  const data = [
    { name: 'Adjustments', count: pending.adjustments },
    { name: 'Withdrawals', count: pending.withdrawals },
  ];
  return (
    <Card variant="outlined">
      <CardHeader title="Waiting for approval" />
      <CardContent sx={{ height: 240 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Bar dataKey="count" fill="#1976d2" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </CardContent>
    </Card>
  );
}
