import { useQuery } from '@tanstack/react-query';
import type { Dashboard } from '../api/types';
import { useStaffApi } from '../api/use-staff-api';

/** GET /admin/dashboard, refreshed every 30 s while the page is open. */
export function useDashboard(): { dashboard?: Dashboard; error: unknown; isPending: boolean } {
  const api = useStaffApi();
  const { data, error, isPending } = useQuery({
    queryKey: ['admin', 'dashboard'],
    queryFn: () => api.dashboard(),
    refetchInterval: 30_000,
  });
  return { dashboard: data, error, isPending };
}
