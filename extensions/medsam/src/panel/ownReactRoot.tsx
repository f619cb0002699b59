/**
 * THE place where the extension decides how its React UI coexists with OHIF's.
 *
 * A run-time bundle cannot use OHIF 3.13's React instance (it is not exposed), and hooks from a second
 * React copy crash inside the host's tree (React error #321). So OHIF only ever sees a class component
 * that renders one empty <div>; on mount it creates a separate React root, from the React this bundle
 * carries, inside that div, and unmounts it with the panel. Services reach the UI through closures, never
 * through OHIF's React contexts. In a build-time deployment the same code runs with the host's React.
 */
import React, { type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';

export function ownReactRoot(renderContent: () => ReactElement, displayName: string): React.ComponentClass {
  class OwnRootPanel extends React.Component {
    static displayName = displayName;
    private readonly host = React.createRef<HTMLDivElement>();
    private root: Root | null = null;

    override componentDidMount(): void {
      if (!this.host.current) return;
      this.root = createRoot(this.host.current);
      this.root.render(renderContent());
    }

    override componentWillUnmount(): void {
      const root = this.root;
      this.root = null;
      // Unmounting a root synchronously while the host React is committing logs a warning: defer it.
      if (root) queueMicrotask(() => root.unmount());
    }

    override render(): ReactElement {
      return React.createElement('div', { ref: this.host, 'data-cy': 'medsam-panel-host', style: { height: '100%', overflowY: 'auto' } });
    }
  }
  return OwnRootPanel;
}
