import { useCallback } from 'react';
import { formatName } from '../lib/formats';
import { useApp } from '../store/context';

/** Names formats as the capability matrix does (the toolchain's formats table). */
export function useFormatName(): (id: string) => string {
  const matrix = useApp((s) => s.capabilities);
  return useCallback((id: string) => formatName(matrix, id), [matrix]);
}
