import type { ReactNode } from 'react';
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
} from 'react-admin';

const KYC_STATUSES = ['not_started', 'pending', 'verified', 'rejected'].map((id) => ({ id, name: id }));

const filters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Id, email, phone, Telegram id or name" />,
  <SelectInput key="kycStatus" source="kycStatus" label="KYC" choices={KYC_STATUSES} />,
  <TextInput key="country" source="country" label="Country" />,
  <BooleanInput key="blocked" source="blocked" label="Blocked" />,
  <BooleanInput key="selfExcluded" source="selfExcluded" label="Self-excluded" />,
];

/** Player search: one box for id, email, phone, Telegram id or a name fragment; a click opens the player 360. */
export function PlayerList(): ReactNode {
  return (
    <List exporter={false} filters={filters} perPage={25}>
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
