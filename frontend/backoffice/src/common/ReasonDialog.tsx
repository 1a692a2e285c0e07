import { Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from '@mui/material';
import { useState, type ReactNode } from 'react';

/** Asks for the reason every staff decision carries (kept in the audit log), then runs the decision. */
export function ReasonDialog({
  open,
  title,
  confirmLabel,
  onClose,
  onConfirm,
  children,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  onClose: () => void;
  onConfirm: (reason: string) => Promise<void>;
  children?: ReactNode;
}): ReactNode {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const confirm = (): void => {
    setBusy(true);
    onConfirm(reason.trim())
      .then(() => setReason(''))
      .finally(() => setBusy(false));
  };
  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        {children}
        <TextField
          label="Reason"
          name="reason"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          fullWidth
          multiline
          minRows={2}
          margin="normal"
          required
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button onClick={confirm} variant="contained" disabled={busy || reason.trim().length < 3}>
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
