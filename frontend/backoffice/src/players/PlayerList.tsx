import type { ReactElement, ReactNode } from 'react';
import {
  BooleanInput,
  ChipField,
  DatagridConfigurable,
  DateField,
  List,
  SearchInput,
  SelectInput,
  TextField,
  TextInput,
  useCanAccess,
} from 'react-admin';

const KYC_STATUSES = ['not_started', 'pending', 'verified', 'rejected'].map((id) => ({ id, name: id }));

/** A role without `players.pii` may search only by whole values (the API answers 403 PLAYER_SEARCH_EXACT_ONLY). */
const SEARCH_HINT = {
  prefix: 'Id, email, phone, Telegram id or name',
  exact: 'Id, whole email, whole phone or Telegram id',
};

const filters = (searchHint: string): ReactElement[] => [
  <SearchInput key="q" source="q" alwaysOn placeholder={searchHint} />,
  <SelectInput key="kycStatus" source="kycStatus" label="KYC" choices={KYC_STATUSES} />,
  <TextInput key="country" source="country" label="Country" />,
  <BooleanInput key="blocked" source="blocked" label="Blocked" />,
  <BooleanInput key="selfExcluded" source="selfExcluded" label="Self-excluded" />,
];

/** Player search: one box for id, email, phone, Telegram id or a name fragment; a click opens the player 360. */
export function PlayerList(): ReactNode {
  const { canAccess: seesPii } = useCanAccess({ resource: 'players', action: 'pii' });
  return (
    <List exporter={false} filters={filters(seesPii ? SEARCH_HINT.prefix : SEARCH_HINT.exact)} perPage={25}>
      <DatagridConfigurable rowClick="show" bulkActionButtons={false}>
        <TextField source="email" sortable={false} />
        <TextField source="displayName" sortable={false} label="Name" />
        <TextField source="phone" sortable={false} />
        <TextField source="country" sortable={false} />
        <ChipField source="status" sortable={false} />
        <TextField source="kycStatus" sortable={false} label="KYC" />
        <DateField source="createdAt" sortable={false} label="Registered" showTime />
      </DatagridConfigurable>
    </List>
  );
}
