import type { ReactNode } from 'react';
import { Datagrid, DateField, FunctionField, List, TextField } from 'react-admin';
import type { PlayerSummary } from '../api/types';
import { KycDecisionButtons } from './KycDecisionButtons';

/** The KYC queue: players whose check waits for a staff decision. */
export function KycList(): ReactNode {
  return (
    <List exporter={false} perPage={25} title="KYC decisions" resource="kyc">
      <Datagrid bulkActionButtons={false} rowClick={(id) => `/players/${id}/show/2`}>
        <TextField source="email" sortable={false} />
        <TextField source="displayName" label="Name" sortable={false} />
        <TextField source="country" sortable={false} />
        <TextField source="kycStatus" label="KYC" sortable={false} />
        <DateField source="createdAt" label="Registered" sortable={false} />
        <FunctionField<PlayerSummary> label="Decision" render={(player) => <KycDecisionButtons userId={player.id} />} />
      </Datagrid>
    </List>
  );
}
