import { Button, MenuItem, TextField } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { useCanAccess } from 'react-admin';
import type { WalletSummary } from '../api/types';
import { useStaffApi } from '../api/use-staff-api';
import { parseMajor } from '../common/money';
import { ReasonDialog } from '../common/ReasonDialog';
import { useStaffAction } from '../common/use-staff-action';

/**
 * A manual adjustment request on one wallet. Above the approval threshold it waits for a second staff member
 * (maker-checker); the idempotency key is made when the dialog opens, so a double click asks once.
 */
export function RequestAdjustmentButton({ wallet }: { wallet: WalletSummary }): ReactNode {
  const { canAccess } = useCanAccess({ resource: 'adjustments', action: 'create' });
  const api = useStaffApi();
  const run = useStaffAction();
  const [key, setKey] = useState<string | null>(null);
  const [amount, setAmount] = useState('');
  const [balance, setBalance] = useState<'cash' | 'bonus'>('cash');
  if (!canAccess) return null;

  const minor = parseMajor(amount, wallet.currency);
  const submit = async (reason: string): Promise<void> => {
    if (!minor || !key) return;
    const ok = await run(async () => {
      const request = await api.requestAdjustment({ walletId: wallet.walletId, amount: minor, balance, reason }, key);
      if (request.status !== 'pending' && request.status !== 'approved') {
        throw new Error(`The adjustment ended ${request.status} (${request.failureCode ?? 'no code'})`);
      }
    }, 'Adjustment requested');
    if (ok) {
      setKey(null);
      setAmount('');
    }
  };

  return (
    <>
      <Button size="small" variant="outlined" onClick={() => setKey(crypto.randomUUID())}>
        Request adjustment
      </Button>
      <ReasonDialog
        open={key !== null}
        title={`Adjust wallet ${wallet.currency}`}
        confirmLabel="Request"
        onClose={() => setKey(null)}
        onConfirm={submit}
      >
        <TextField
          label={`Amount (${wallet.currency}, negative to debit)`}
          name="amount"
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          error={amount !== '' && minor === null}
          helperText={amount !== '' && minor === null ? 'Not an amount in this currency' : ' '}
          fullWidth
          margin="normal"
        />
        <TextField
          select
          label="Balance"
          name="balance"
          value={balance}
          onChange={(event) => setBalance(event.target.value as 'cash' | 'bonus')}
          fullWidth
        >
          <MenuItem value="cash">cash</MenuItem>
          <MenuItem value="bonus">bonus</MenuItem>
        </TextField>
      </ReasonDialog>
    </>
  );
}
