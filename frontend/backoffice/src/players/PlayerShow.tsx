import { Chip, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { DateField, FunctionField, Labeled, Show, TabbedShowLayout, TextField, TopToolbar } from 'react-admin';
import type { Player360 } from '../api/types';
import { ObjectTable } from '../common/ObjectTable';
import { KycDecisionButtons } from '../kyc/KycDecisionButtons';
import { BlockButton } from './BlockButton';
import { NotesPanel } from './NotesPanel';
import { WalletsPanel } from './WalletsPanel';
import { usePlayer360 } from './use-player-360';

/** Player 360: everything staff need about one player on one page, one tab per subject. */
export function PlayerShow(): ReactNode {
  return (
    <Show actions={<PlayerActions />} title={<PlayerTitle />}>
      <TabbedShowLayout>
        <TabbedShowLayout.Tab label="Profile">
          <TextField source="profile.email" label="Email" />
          <TextField source="profile.displayName" label="Name" emptyText="-" />
          <TextField source="profile.phone" label="Phone" emptyText="-" />
          <TextField source="profile.telegramId" label="Telegram id" emptyText="-" />
          <TextField source="profile.country" label="Country" emptyText="-" />
          <TextField source="profile.status" label="Status" />
          <DateField source="profile.createdAt" label="Registered" showTime />
          <FunctionField<Player360> label="Tags" render={(player) => <Tags tags={player.tags} />} />
        </TabbedShowLayout.Tab>
        <TabbedShowLayout.Tab label="Wallets">
          <WalletsPanel />
        </TabbedShowLayout.Tab>
        <TabbedShowLayout.Tab label="KYC">
          <KycTab />
        </TabbedShowLayout.Tab>
        <TabbedShowLayout.Tab label="Limits">
          <Section
            title="Limits"
            rows={(p) => Object.entries(p.responsibleGaming.limits).map(([limit, view]) => ({ limit, ...view }))}
          />
          <Section
            title="Exclusion"
            rows={(p) => (p.responsibleGaming.exclusion ? [p.responsibleGaming.exclusion] : [])}
          />
        </TabbedShowLayout.Tab>
        <TabbedShowLayout.Tab label="Payments">
          <Section rows={(p) => p.payments} />
        </TabbedShowLayout.Tab>
        <TabbedShowLayout.Tab label="Sessions">
          <Section title="Game sessions" rows={(p) => p.gameSessions} />
          <Section title="Sign-in sessions" rows={(p) => p.signInSessions} />
        </TabbedShowLayout.Tab>
        <TabbedShowLayout.Tab label="Security">
          <Section rows={(p) => p.securityEvents} />
        </TabbedShowLayout.Tab>
        <TabbedShowLayout.Tab label="Audit">
          <Section rows={(p) => p.auditTrail} />
        </TabbedShowLayout.Tab>
        <TabbedShowLayout.Tab label="Notes">
          <NotesPanel />
        </TabbedShowLayout.Tab>
      </TabbedShowLayout>
    </Show>
  );
}

function PlayerTitle(): ReactNode {
  const player = usePlayer360();
  return <span>Player {player?.profile.email ?? ''}</span>;
}

function PlayerActions(): ReactNode {
  return (
    <TopToolbar>
      <BlockButton />
    </TopToolbar>
  );
}

function Tags({ tags }: { tags: string[] }): ReactNode {
  return (
    <Stack direction="row" spacing={1}>
      {tags.map((tag) => (
        <Chip key={tag} label={tag} size="small" />
      ))}
    </Stack>
  );
}

function Section({
  title,
  rows,
}: {
  title?: string;
  rows: (player: Player360) => Record<string, unknown>[];
}): ReactNode {
  const player = usePlayer360();
  if (!player) return null;
  return (
    <Stack spacing={1} sx={{ mb: 2 }}>
      {title && <Typography variant="subtitle1">{title}</Typography>}
      <ObjectTable rows={rows(player)} />
    </Stack>
  );
}

function KycTab(): ReactNode {
  const player = usePlayer360();
  if (!player) return null;
  return (
    <Stack spacing={2}>
      <Labeled label="Status">
        <Typography>
          {player.kyc ? `${player.kyc.current.status} (${player.kyc.current.level ?? 'no level'})` : 'No check started'}
        </Typography>
      </Labeled>
      {player.kyc?.current.status === 'pending' && <KycDecisionButtons userId={player.id} />}
      <ObjectTable rows={player.kyc?.history} empty="No KYC history" />
    </Stack>
  );
}
