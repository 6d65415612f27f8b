const tone: Record<string, string> = {
  pending: 'neutral',
  running: 'info',
  completed: 'success',
  passed: 'success',
  partial: 'warning',
  deferred: 'warning',
  not_runnable: 'warning',
  failed_parity: 'danger',
  failed: 'danger',
  cancelled: 'neutral',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${tone[status] ?? 'neutral'}`}>{status.replace('_', ' ')}</span>;
}
