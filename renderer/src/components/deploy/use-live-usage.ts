import { useEffect } from 'react';
import { useApp } from '../../store/context';

/** How often a shown, active endpoint's status and usage are fetched again from the platform. */
export const USAGE_REFRESH_MS = 5_000;

/** Keeps an active endpoint's usage figures current while its card is on screen (requests from anywhere count). */
export function useLiveUsage(id: string, active: boolean): void {
  const refresh = useApp((s) => s.refreshDeployment);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh(id, { quiet: true });
    }, USAGE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [id, active, refresh]);
}
