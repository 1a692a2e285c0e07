import { useRecordContext } from 'react-admin';
import type { Player360 } from '../api/types';

/**
 * The player 360 record, once GET /admin/players/:id answered. Until then react-admin may show the list's row of
 * the player (a summary, without the 360's parts), which this treats as not loaded yet.
 */
export function usePlayer360(): Player360 | undefined {
  const record = useRecordContext<Player360>();
  return record?.profile ? record : undefined;
}
