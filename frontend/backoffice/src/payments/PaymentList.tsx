import type { ReactNode } from 'react';
import { ChipField, Datagrid, DateField, List, SelectInput, TextField, TextInput } from 'react-admin';
import { MoneyField } from '../common/MoneyField';

const TYPES = ['deposit', 'withdrawal'].map((id) => ({ id, name: id }));

const filters = [
  <SelectInput key="type" source="type" choices={TYPES} alwaysOn />,
  <TextInput key="status" source="status" />,
  <TextInput key="provider" source="provider" />,
  <TextInput key="userId" source="userId" label="Player id" />,
];

/** Every deposit and withdrawal, newest first, filtered by type, status, provider or player. */
export function PaymentList(): ReactNode {
  return (
    <List exporter={false} filters={filters} perPage={25}>
      <PaymentGrid />
    </List>
  );
}

export function PaymentGrid({ children }: { children?: ReactNode }): ReactNode {
  return (
    <Datagrid bulkActionButtons={false} rowClick={(_id, _resource, record) => `/players/${String(record.userId)}/show`}>
      <DateField source="createdAt" showTime sortable={false} />
      <TextField source="type" sortable={false} />
      <ChipField source="status" sortable={false} />
      <MoneyField source="amount" label="Amount" />
      <TextField source="provider" sortable={false} />
      <TextField source="providerReference" label="PSP reference" sortable={false} />
      <TextField source="userId" label="Player" sortable={false} />
      {children}
    </Datagrid>
  );
}
