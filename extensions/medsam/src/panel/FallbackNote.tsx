import React from 'react';
import type { ResultView } from '../controller/state';

/** A visible note when "auto" had to embed the image in the browser because the service stopped answering. */
export function FallbackNote({ result }: { result: ResultView | null }) {
  if (!result?.fallback) return null;
  return (
    <div role="status" data-cy="medsam-fallback" style={{ background: '#3b3b1f', border: '1px solid #a16207', borderRadius: 4, padding: 8, margin: '8px 0', color: '#fde68a' }}>
      <div style={{ color: '#ffffff', fontWeight: 600 }}>Computed in this browser instead</div>
      <div>{result.fallback}</div>
    </div>
  );
}
