import AccountBalanceWalletIcon from '@mui/icons-material/AccountBalanceWallet';
import FactCheckIcon from '@mui/icons-material/FactCheck';
import HistoryIcon from '@mui/icons-material/History';
import PaymentsIcon from '@mui/icons-material/Payments';
import PeopleIcon from '@mui/icons-material/People';
import AssessmentIcon from '@mui/icons-material/Assessment';
import SecurityIcon from '@mui/icons-material/Security';
import SportsEsportsIcon from '@mui/icons-material/SportsEsports';
import StorefrontIcon from '@mui/icons-material/Storefront';
import OutboxIcon from '@mui/icons-material/Outbox';
import QueueIcon from '@mui/icons-material/Queue';
import type { ReactNode } from 'react';
import { Admin, Resource } from 'react-admin';
import { AdjustmentList } from './adjustments/AdjustmentList';
import { createDataProvider } from './api/data-provider';
import { AuditLogList } from './audit/AuditLogList';
import { authProvider } from './auth/auth-provider';
import { LoginPage } from './auth/LoginPage';
import { Dashboard } from './dashboard/Dashboard';
import { GameEdit } from './games/GameEdit';
import { GameList } from './games/GameList';
import { ProviderList } from './games/ProviderList';
import { KycList } from './kyc/KycList';
import { PaymentList } from './payments/PaymentList';
import { WithdrawalQueue } from './payments/WithdrawalQueue';
import { PlayerList } from './players/PlayerList';
import { PlayerShow } from './players/PlayerShow';
import { QueueBoardLink } from './queues/QueueBoardLink';
import { ReportRunner } from './reports/ReportRunner';
import { SecurityEventList } from './security/SecurityEventList';

const dataProvider = createDataProvider();

/**
 * The back office. Every resource is a folder; what a staff member sees (menu and pages) is decided by the auth
 * provider's canAccess from the permissions GET /admin/me returns (src/auth/permissions.ts).
 */
export function App(): ReactNode {
  return (
    <Admin
      title="Casino back office"
      dataProvider={dataProvider}
      authProvider={authProvider}
      loginPage={LoginPage}
      dashboard={Dashboard}
      requireAuth
      disableTelemetry
    >
      <Resource name="players" list={PlayerList} show={PlayerShow} icon={PeopleIcon} recordRepresentation="email" />
      <Resource name="adjustments" list={AdjustmentList} icon={AccountBalanceWalletIcon} />
      <Resource name="kyc" list={KycList} icon={FactCheckIcon} options={{ label: 'KYC decisions' }} />
      <Resource name="withdrawals" list={WithdrawalQueue} icon={OutboxIcon} options={{ label: 'Withdrawals' }} />
      <Resource name="payments" list={PaymentList} icon={PaymentsIcon} />
      <Resource name="games" list={GameList} edit={GameEdit} icon={SportsEsportsIcon} recordRepresentation="title" />
      <Resource name="providers" list={ProviderList} icon={StorefrontIcon} options={{ label: 'Game providers' }} />
      <Resource name="reports" list={ReportRunner} icon={AssessmentIcon} options={{ label: 'Reports' }} />
      <Resource name="queues" list={QueueBoardLink} icon={QueueIcon} options={{ label: 'Queues' }} />
      <Resource name="audit-log" list={AuditLogList} icon={HistoryIcon} options={{ label: 'Audit log' }} />
      <Resource
        name="security-events"
        list={SecurityEventList}
        icon={SecurityIcon}
        options={{ label: 'Security events' }}
      />
    </Admin>
  );
}
