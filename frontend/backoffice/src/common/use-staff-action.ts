import { useNotify, useRefresh } from 'react-admin';

/**
 * Runs a staff action: on success a notice and a refresh of what is on screen; on failure the API's message and
 * code ("message (CODE)") as an error notice. Resolves either way, so a dialog can close or stay.
 */
export function useStaffAction(): (action: () => Promise<unknown>, success: string) => Promise<boolean> {
  const notify = useNotify();
  const refresh = useRefresh();
  return async (action, success) => {
    try {
      await action();
      notify(success, { type: 'success' });
      refresh();
      return true;
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error), { type: 'error' });
      return false;
    }
  };
}
