import type { ReactNode } from 'react';
import {
  Datagrid,
  DateField,
  DateTimeInput,
  FunctionField,
  List,
  SelectInput,
  TextField,
  TextInput,
} from 'react-admin';

const SOURCES = ['auth', 'payment'].map((id) => ({ id, name: id }));

const filters = [
  <TextInput key="kind" source="kind" label="Kind (e.g. authn_login_fail)" alwaysOn />,
  <SelectInput key="source" source="source" choices={SOURCES} />,
  <TextInput key="userId" source="userId" label="Player id" />,
  <TextInput key="ip" source="ip" />,
  <DateTimeInput key="from" source="from" />,
  <DateTimeInput key="to" source="to" />,
];

/** Security events (OWASP logging vocabulary) from sign-in and payments in one feed. */
export function SecurityEventList(): ReactNode {
  return (
    <List exporter={false} filters={filters} perPage={50} title="Security events">
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <DateField source="occurredAt" showTime sortable={false} />
        <TextField source="kind" sortable={false} />
        <TextField source="source" sortable={false} />
        <TextField source="userId" label="Player" sortable={false} />
        <TextField source="ip" sortable={false} />
        <FunctionField label="Details" render={(record) => JSON.stringify(record.details ?? {})} />
      </Datagrid>
    </List>
  );
}
