import { Button, Stack } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { useCanAccess, useRecordContext } from 'react-admin';
import type { AdjustmentRequest } from '../api/types';
import { useStaffApi } from '../api/use-staff-api';
import { formatMinor } from '../common/money';
import { ReasonDialog } from '../common/ReasonDialog';
import { useStaffAction } from '../common/use-staff-action';

/** Approve or reject a pending adjustment; the API refuses the maker's own (ADJUSTMENT_SELF_APPROVAL). */
export function AdjustmentDecisionButtons(): ReactNode {
  const record = useRecordContext<AdjustmentRequest>();
  const { canAccess } = useCanAccess({ resource: 'adjustments', action: 'decide' });
  const api = useStaffApi();
  const run = useStaffAction();
  const [decision, setDecision] = useState<'approve' | 'reject' | null>(null);
  if (!record || record.status !== 'pending' || !canAccess) return null;

  const confirm = async (reason: string): Promise<void> => {
    if (!decision) return;
    const ok = await run(
      () => api.decideAdjustment(record.id, decision, reason),
      decision === 'approve' ? 'Adjustment approved' : 'Adjustment rejected',
    );
    if (ok) setDecision(null);
  };

  return (
    <Stack direction="row" spacing={1} onClick={(event) => event.stopPropagation()}>
      <Button size="small" variant="contained" onClick={() => setDecision('approve')}>
        Approve
      </Button>
      <Button size="small" color="error" onClick={() => setDecision('reject')}>
        Reject
      </Button>
      <ReasonDialog
        open={decision !== null}
        title={`${decision === 'approve' ? 'Approve' : 'Reject'} ${formatMinor(record.amount, record.currency)} (${record.balance})`}
        confirmLabel={decision === 'approve' ? 'Approve' : 'Reject'}
        onClose={() => setDecision(null)}
        onConfirm={confirm}
      />
    </Stack>
  );
}
