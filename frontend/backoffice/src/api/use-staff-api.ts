import { useDataProvider, type DataProvider } from 'react-admin';
import type { StaffActions } from './staff-actions';

/** The data provider with its staff actions (approve, block, decide...), typed. */
export function useStaffApi(): DataProvider & StaffActions {
  return useDataProvider<DataProvider & StaffActions>();
}
