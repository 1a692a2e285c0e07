import { Card, CardContent, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** One figure with its label. */
export function StatCard({ label, value, testId }: { label: string; value: ReactNode; testId?: string }): ReactNode {
  return (
    <Card variant="outlined" sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="overline" color="text.secondary">
          {label}
        </Typography>
        <Typography variant="h4" data-testid={testId}>
          {value}
        </Typography>
      </CardContent>
    </Card>
  );
}
