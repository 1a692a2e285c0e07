import { Button, Stack } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { List, useCanAccess, useRecordContext } from 'react-admin';
import { useStaffApi } from '../api/use-staff-api';
import { formatMinor } from '../common/money';
import { ReasonDialog } from '../common/ReasonDialog';
import { useStaffAction } from '../common/use-staff-action';
import { PaymentGrid } from './PaymentList';

/** Withdrawals above the threshold waiting for finance, oldest first. */
export function WithdrawalQueue(): ReactNode {
  return (
    <List exporter={false} perPage={25} title="Withdrawals awaiting approval">
      <PaymentGrid>
        <WithdrawalDecision />
      </PaymentGrid>
    </List>
  );
}

function WithdrawalDecision(): ReactNode {
  const record = useRecordContext<{ id: string; amount: string; currency: string }>();
  const { canAccess } = useCanAccess({ resource: 'withdrawals', action: 'decide' });
  const api = useStaffApi();
  const run = useStaffAction();
  const [decision, setDecision] = useState<'approve' | 'reject' | null>(null);
  if (!record || !canAccess) return null;
  const confirm = async (reason: string): Promise<void> => {
    if (!decision) return;
    if (
      await run(
        () => api.decideWithdrawal(record.id, decision, reason),
        decision === 'approve' ? 'Withdrawal approved' : 'Withdrawal rejected',
      )
    ) {
      setDecision(null);
    }
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
        title={`${decision === 'approve' ? 'Pay out' : 'Reject'} ${formatMinor(record.amount, record.currency)}`}
        confirmLabel={decision === 'approve' ? 'Approve' : 'Reject'}
        onClose={() => setDecision(null)}
        onConfirm={confirm}
      />
    </Stack>
  );
}
