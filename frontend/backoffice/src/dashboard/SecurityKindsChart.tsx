import { Card, CardContent, CardHeader, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SecurityFeedItem } from '../api/types';

/** The latest security events counted by kind. */
export function SecurityKindsChart({ events }: { events: SecurityFeedItem[] }): ReactNode {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1);
  const data = [...counts].map(([kind, count]) => ({ kind, count }));
  return (
    <Card variant="outlined">
      <CardHeader title="Latest security events" subheader={`${events.length} most recent, by kind`} />
      <CardContent sx={{ height: 240 }}>
        {data.length === 0 ? (
          <Typography color="text.secondary">No security events</Typography>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} layout="vertical" margin={{ left: 60 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" allowDecimals={false} />
              <YAxis type="category" dataKey="kind" width={140} />
              <Tooltip />
              <Bar dataKey="count" fill="#ed6c02" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </CardContent>
    </Card>
  );
}
