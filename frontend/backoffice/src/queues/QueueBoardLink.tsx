import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import { Alert, Button, Card, CardContent, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { Title } from 'react-admin';
import { useStaffApi } from '../api/use-staff-api';

/**
 * The BullMQ queue board (Bull Board, read-only) lives outside this app at /admin/queues/. It cannot take our bearer
 * token, so opening it first asks the API for a ten-minute, HttpOnly cookie scoped to that path (ADR 0027).
 */
export function QueueBoardLink(): ReactNode {
  const api = useStaffApi();
  const [error, setError] = useState<string | null>(null);
  const open = async (): Promise<void> => {
    // Opened before the await so that the browser does not treat it as an unrequested pop-up.
    const tab = window.open('about:blank', '_blank');
    try {
      const { url } = await api.openQueueBoard();
      if (tab) tab.location.href = url;
      else window.location.assign(url);
      setError(null);
    } catch (failure) {
      tab?.close();
      setError(failure instanceof Error ? failure.message : 'The queue board could not be opened');
    }
  };
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="Queues" />
      <CardContent>
        <Typography variant="body1" gutterBottom>
          Waiting, active, delayed and failed jobs of every BullMQ queue (mail, SMS, report exports, analytics, report
          schedules, game catalogue). Read-only: retries happen in the features that own the jobs. The board stays open
          for ten minutes, then reopen it from here.
        </Typography>
        <Button variant="contained" startIcon={<OpenInNewIcon />} onClick={() => void open()}>
          Open the queue board
        </Button>
        {error && (
          <Alert severity="error" sx={{ mt: 2 }}>
            {error}
          </Alert>
        )}
      </CardContent>
    </Card>
  );
}
