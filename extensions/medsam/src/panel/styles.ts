import type { CSSProperties } from 'react';

/** Inline styles in OHIF's dark palette: the panel must not depend on which Tailwind classes OHIF's CSS kept. */
export const styles: Record<string, CSSProperties> = {
  panel: { padding: '10px 12px', color: '#d1d5db', fontSize: 13, lineHeight: 1.45, fontFamily: 'inherit' },
  section: { borderTop: '1px solid #1f2f4a', padding: '8px 0' },
  heading: { color: '#5acce6', fontSize: 12, fontWeight: 600, textTransform: 'uppercase', letterSpacing: 0.5, margin: '0 0 4px' },
  muted: { color: '#8ea2c0' },
  value: { color: '#ffffff' },
  badge: { display: 'inline-block', padding: '0 6px', borderRadius: 4, fontSize: 11, marginLeft: 6, background: '#3b3b1f', color: '#facc15' },
  bar: { height: 6, background: '#1f2f4a', borderRadius: 3, overflow: 'hidden', margin: '4px 0' },
  barFill: { height: '100%', background: '#5acce6' },
  row: { display: 'flex', gap: 6, alignItems: 'center', flexWrap: 'wrap', marginTop: 6 },
  input: { flex: 1, minWidth: 0, background: '#0b1a2e', color: '#ffffff', border: '1px solid #3a5275', borderRadius: 4, padding: '3px 6px' },
  select: { background: '#0b1a2e', color: '#ffffff', border: '1px solid #3a5275', borderRadius: 4, padding: '3px 4px' },
  button: { background: '#1d3a5f', color: '#ffffff', border: '1px solid #3a5275', borderRadius: 4, padding: '3px 10px', cursor: 'pointer' },
  primary: { background: '#0e7490', color: '#ffffff', border: '1px solid #5acce6', borderRadius: 4, padding: '3px 10px', cursor: 'pointer' },
  error: { background: '#3b1219', border: '1px solid #b91c1c', borderRadius: 4, padding: 8, margin: '8px 0', color: '#fecaca' },
  uid: { marginTop: 4, fontSize: 11, color: '#8ea2c0', wordBreak: 'break-all' },
  offer: { background: '#2a2410', border: '1px solid #ca8a04', borderRadius: 4, padding: 8, margin: '4px 0', color: '#fef3c7' },
  success: { background: '#0f2e22', border: '1px solid #15803d', borderRadius: 4, padding: 8, margin: '8px 0', color: '#bbf7d0' },
  errorTitle: { color: '#ffffff', fontWeight: 600 },
  details: { marginTop: 4, fontSize: 11, color: '#fca5a5', wordBreak: 'break-word' },
  table: { width: '100%', borderCollapse: 'collapse' },
  cellLabel: { color: '#8ea2c0', paddingRight: 8, verticalAlign: 'top', whiteSpace: 'nowrap' },
};
