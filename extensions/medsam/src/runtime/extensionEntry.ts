// The run-time bundle's entry (dist/bundles/medsam-extension.mjs). Order matters: wait for OHIF's cornerstone
// globals first, then evaluate the extension.
import './awaitCornerstone';

export { default } from '../index';
