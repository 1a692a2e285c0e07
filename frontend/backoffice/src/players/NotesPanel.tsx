import { Button, List, ListItem, ListItemText, Stack, TextField } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { useCanAccess } from 'react-admin';
import { useStaffApi } from '../api/use-staff-api';
import { useStaffAction } from '../common/use-staff-action';
import { usePlayer360 } from './use-player-360';

/** Staff notes on the player, newest first, and a box to add one. */
export function NotesPanel(): ReactNode {
  const player = usePlayer360();
  const { canAccess } = useCanAccess({ resource: 'players', action: 'notes' });
  const api = useStaffApi();
  const run = useStaffAction();
  const [text, setText] = useState('');
  if (!player) return null;
  const add = async (): Promise<void> => {
    if (await run(() => api.addNote(player.id, text.trim()), 'Note added')) setText('');
  };
  return (
    <Stack spacing={1}>
      {canAccess && (
        <Stack direction="row" spacing={1}>
          <TextField label="New note" name="note" value={text} onChange={(e) => setText(e.target.value)} fullWidth />
          <Button onClick={add} disabled={text.trim().length === 0}>
            Add
          </Button>
        </Stack>
      )}
      <List dense>
        {player.notes.map((note) => (
          <ListItem key={note.id}>
            <ListItemText primary={note.text} secondary={`${note.createdAt} · ${note.authorId}`} />
          </ListItem>
        ))}
      </List>
    </Stack>
  );
}
