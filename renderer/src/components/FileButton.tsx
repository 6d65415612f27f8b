import { useRef, type ReactNode } from 'react';

/**
 * A button that opens the browser's file chooser (a hidden file input, labelled for assistive tech and tests) and
 * hands over what was chosen; the input is cleared so choosing the same file again fires again.
 */
export function FileButton({
  children,
  inputLabel,
  accept,
  multiple = false,
  directory = false,
  disabled = false,
  className,
  onFiles,
}: {
  children: ReactNode;
  inputLabel: string;
  accept?: string;
  multiple?: boolean;
  /** Choose a whole folder (every file below it). */
  directory?: boolean;
  disabled?: boolean;
  className?: string;
  onFiles: (files: File[]) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={className} disabled={disabled} onClick={() => input.current?.click()}>
        {children}
      </button>
      <input
        ref={input}
        className="visually-hidden"
        type="file"
        accept={accept}
        multiple={multiple}
        disabled={disabled}
        aria-label={inputLabel}
        {...(directory ? { webkitdirectory: '' } : {})}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
