import type { ReactNode } from 'react';
import { ChipField, Datagrid, DateField, List, SelectInput, TextField, TextInput } from 'react-admin';
import { MoneyField } from '../common/MoneyField';
import { AdjustmentDecisionButtons } from './AdjustmentDecisionButtons';

const STATUSES = ['pending', 'approved', 'rejected', 'failed'].map((id) => ({ id, name: id }));

const filters = [
  <SelectInput key="status" source="status" choices={STATUSES} alwaysOn />,
  <TextInput key="walletId" source="walletId" label="Wallet id" />,
];

/** The approval queue (pending first by default) and the history of manual adjustments. */
export function AdjustmentList(): ReactNode {
  return (
    <List
      exporter={false}
      filters={filters}
      filterDefaultValues={{ status: 'pending' }}
      perPage={25}
      title="Adjustments"
    >
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <DateField source="createdAt" showTime sortable={false} />
        <TextField source="userId" label="Player" sortable={false} />
        <MoneyField source="amount" label="Amount" />
        <TextField source="balance" sortable={false} />
        <TextField source="reason" sortable={false} />
        <ChipField source="status" sortable={false} />
        <TextField source="makerId" label="Requested by" sortable={false} />
        <TextField source="checkerId" label="Decided by" sortable={false} />
        <TextField source="transactionId" label="Ledger transaction" sortable={false} />
        <AdjustmentDecisionButtons />
      </Datagrid>
    </List>
  );
}
