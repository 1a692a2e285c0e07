import { Button } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { useCanAccess } from 'react-admin';
import { useStaffApi } from '../api/use-staff-api';
import { ReasonDialog } from '../common/ReasonDialog';
import { useStaffAction } from '../common/use-staff-action';
import { usePlayer360 } from './use-player-360';

/** Blocks (every session ends at once) or unblocks the player, with a reason. */
export function BlockButton(): ReactNode {
  const player = usePlayer360();
  const { canAccess } = useCanAccess({ resource: 'players', action: 'block' });
  const api = useStaffApi();
  const run = useStaffAction();
  const [open, setOpen] = useState(false);
  if (!player || !canAccess) return null;
  const blocked = player.profile.status === 'blocked';
  const confirm = async (reason: string): Promise<void> => {
    if (await run(() => api.setPlayerBlocked(player.id, !blocked, reason), blocked ? 'Unblocked' : 'Blocked')) {
      setOpen(false);
    }
  };
  return (
    <>
      <Button color={blocked ? 'primary' : 'error'} onClick={() => setOpen(true)}>
        {blocked ? 'Unblock' : 'Block'}
      </Button>
      <ReasonDialog
        open={open}
        title={blocked ? 'Unblock the player' : 'Block the player'}
        confirmLabel={blocked ? 'Unblock' : 'Block'}
        onClose={() => setOpen(false)}
        onConfirm={confirm}
      />
    </>
  );
}
