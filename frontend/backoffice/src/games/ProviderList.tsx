import type { ReactNode } from 'react';
import { ChipField, Datagrid, DateField, FunctionField, List, TextField } from 'react-admin';

/** Game providers: protocol, status, currencies, which credentials are set (never their values). */
export function ProviderList(): ReactNode {
  return (
    <List exporter={false} perPage={100} pagination={false}>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <TextField source="code" sortable={false} />
        <TextField source="name" sortable={false} />
        <TextField source="protocol" sortable={false} />
        <ChipField source="status" sortable={false} />
        <FunctionField label="Currencies" render={(provider) => (provider.currencies ?? []).join(', ')} />
        <FunctionField label="Credentials" render={(provider) => (provider.credentialKeys ?? []).join(', ')} />
        <DateField source="updatedAt" showTime sortable={false} />
      </Datagrid>
    </List>
  );
}
