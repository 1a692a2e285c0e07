import { Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { useRecordContext } from 'react-admin';
import { formatMinor } from './money';

/** A record's minor-unit amount in its currency (`currencySource` names the currency field). */
export function MoneyField({
  source,
  currencySource = 'currency',
}: {
  source: string;
  currencySource?: string;
  label?: string;
}): ReactNode {
  const record = useRecordContext<Record<string, unknown>>();
  const amount = record?.[source];
  const currency = record?.[currencySource];
  if (typeof amount !== 'string' || typeof currency !== 'string') return null;
  return (
    <Typography variant="body2" component="span">
      {formatMinor(amount, currency)}
    </Typography>
  );
}
