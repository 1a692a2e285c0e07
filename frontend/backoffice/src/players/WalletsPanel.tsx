import { Card, CardContent, CardHeader, Grid, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { RequestAdjustmentButton } from '../adjustments/RequestAdjustmentButton';
import { formatMinor } from '../common/money';
import { ObjectTable } from '../common/ObjectTable';
import { usePlayer360 } from './use-player-360';

const BALANCES = ['cash', 'bonus', 'held', 'available'] as const;

/** Each wallet's balances as the ledger has them, its last transactions, and the adjustment request. */
export function WalletsPanel(): ReactNode {
  const player = usePlayer360();
  if (!player) return null;
  if (player.wallets.length === 0) return <Typography color="text.secondary">No wallet yet</Typography>;
  return (
    <Stack spacing={2}>
      {player.wallets.map((wallet) => (
        <Card key={wallet.walletId} variant="outlined" data-testid={`wallet-${wallet.currency}`}>
          <CardHeader
            title={`Wallet ${wallet.currency}`}
            subheader={wallet.walletId}
            action={<RequestAdjustmentButton wallet={wallet} />}
          />
          <CardContent>
            <Grid container spacing={2}>
              {BALANCES.map((name) => (
                <Grid key={name} size={{ xs: 6, md: 3 }}>
                  <Typography variant="overline">{name}</Typography>
                  <Typography variant="h6" data-testid={`balance-${name}`}>
                    {formatMinor(wallet.balances[name], wallet.currency)}
                  </Typography>
                </Grid>
              ))}
            </Grid>
            <Typography variant="subtitle2" sx={{ mt: 2 }}>
              Recent transactions
            </Typography>
            <ObjectTable
              rows={wallet.lastTransactions.map((transaction) => ({
                createdAt: transaction.createdAt,
                type: transaction.type,
                amount: formatMinor(String(transaction.amount), wallet.currency),
                id: transaction.id,
              }))}
              empty="No transactions"
            />
          </CardContent>
        </Card>
      ))}
    </Stack>
  );
}
