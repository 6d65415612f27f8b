import { useApp } from '../store/context';

export function NoticeBar() {
  const notice = useApp((s) => s.notice);
  const dismiss = useApp((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
      <div>
        <p>{notice.text}</p>
        {notice.hint && <p className="muted">{notice.hint}</p>}
      </div>
      <button type="button" className="button-ghost" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
