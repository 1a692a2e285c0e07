import { Switch } from '@mui/material';
import type { ReactNode } from 'react';
import {
  BooleanInput,
  Datagrid,
  FunctionField,
  List,
  SearchInput,
  TextField,
  TextInput,
  useCanAccess,
  useRecordContext,
} from 'react-admin';
import { useStaffApi } from '../api/use-staff-api';
import { useStaffAction } from '../common/use-staff-action';

const filters = [
  <SearchInput key="search" source="search" alwaysOn />,
  <TextInput key="provider" source="provider" />,
  <TextInput key="category" source="category" />,
  <BooleanInput key="enabled" source="enabled" />,
];

/** The catalogue as staff see it: disabled games too, with the switch that takes a game off the lobby. */
export function GameList(): ReactNode {
  return (
    <List exporter={false} filters={filters} perPage={25}>
      <Datagrid bulkActionButtons={false} rowClick="edit">
        <TextField source="title" sortable={false} />
        <TextField source="provider" sortable={false} />
        <TextField source="gameCode" sortable={false} />
        <TextField source="category" sortable={false} />
        <TextField source="rtp" sortable={false} emptyText="-" />
        <FunctionField label="Staff-owned fields" render={(game) => (game.staffOwnedFields ?? []).join(', ')} />
        <EnabledSwitch />
      </Datagrid>
    </List>
  );
}

function EnabledSwitch(): ReactNode {
  const game = useRecordContext<{ id: string; enabled?: boolean }>();
  const { canAccess } = useCanAccess({ resource: 'games', action: 'edit' });
  const api = useStaffApi();
  const run = useStaffAction();
  if (!game) return null;
  const enabled = game.enabled !== false;
  return (
    <Switch
      checked={enabled}
      disabled={!canAccess}
      onClick={(event) => event.stopPropagation()}
      onChange={() => void run(() => api.setGameEnabled(game.id, !enabled), enabled ? 'Game disabled' : 'Game enabled')}
      slotProps={{ input: { 'aria-label': 'enabled' } }}
    />
  );
}
