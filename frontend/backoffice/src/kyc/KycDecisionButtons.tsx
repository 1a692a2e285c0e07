import { Button, MenuItem, Stack, TextField } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { useCanAccess } from 'react-admin';
import type { KycDecision } from '../api/types';
import { useStaffApi } from '../api/use-staff-api';
import { ReasonDialog } from '../common/ReasonDialog';
import { useStaffAction } from '../common/use-staff-action';

/** Verify or reject a player's pending KYC check, at a level, with a reason (compliance). */
export function KycDecisionButtons({ userId }: { userId: string }): ReactNode {
  const { canAccess } = useCanAccess({ resource: 'kyc', action: 'decide' });
  const api = useStaffApi();
  const run = useStaffAction();
  const [status, setStatus] = useState<KycDecision['status'] | null>(null);
  const [level, setLevel] = useState<KycDecision['level']>('basic');
  if (!canAccess) return null;
  const confirm = async (reason: string): Promise<void> => {
    if (!status) return;
    if (await run(() => api.decideKyc(userId, { status, level, reason }), `KYC ${status}`)) setStatus(null);
  };
  return (
    <Stack direction="row" spacing={1} onClick={(event) => event.stopPropagation()}>
      <Button size="small" variant="contained" onClick={() => setStatus('verified')}>
        Verify
      </Button>
      <Button size="small" color="error" onClick={() => setStatus('rejected')}>
        Reject
      </Button>
      <ReasonDialog
        open={status !== null}
        title={status === 'verified' ? 'Verify the player' : 'Reject the KYC check'}
        confirmLabel={status === 'verified' ? 'Verify' : 'Reject'}
        onClose={() => setStatus(null)}
        onConfirm={confirm}
      >
        <TextField
          select
          label="Level"
          name="level"
          value={level}
          onChange={(event) => setLevel(event.target.value as KycDecision['level'])}
          fullWidth
          margin="normal"
        >
          <MenuItem value="basic">basic</MenuItem>
          <MenuItem value="enhanced">enhanced</MenuItem>
        </TextField>
      </ReasonDialog>
    </Stack>
  );
}
