import type { ReactNode } from 'react';
import { Datagrid, DateField, DateTimeInput, FunctionField, List, TextField, TextInput } from 'react-admin';

const filters = [
  <TextInput key="action" source="action" alwaysOn />,
  <TextInput key="actorId" source="actorId" label="Staff id" />,
  <TextInput key="targetType" source="targetType" />,
  <TextInput key="targetId" source="targetId" />,
  <DateTimeInput key="from" source="from" />,
  <DateTimeInput key="to" source="to" />,
];

/** The append-only audit log: who did what to what, from where. */
export function AuditLogList(): ReactNode {
  return (
    <List exporter={false} filters={filters} perPage={50} title="Audit log">
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <DateField source="occurredAt" showTime sortable={false} />
        <TextField source="action" sortable={false} />
        <TextField source="actorId" label="Staff" sortable={false} />
        <FunctionField label="Roles" render={(record) => (record.actorRoles ?? []).join(', ')} />
        <TextField source="targetType" sortable={false} />
        <TextField source="targetId" sortable={false} />
        <TextField source="ip" sortable={false} />
        <FunctionField label="Details" render={(record) => JSON.stringify(record.details ?? {})} />
      </Datagrid>
    </List>
  );
}
