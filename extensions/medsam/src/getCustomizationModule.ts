import { CUSTOMIZATION } from './id';
import { toolbarButtons } from './toolbarButtons';

/** Default-scope customizations: the button definitions a mode pulls in with `{ $reference }`. */
export function getCustomizationModule(): { name: string; value: Record<string, unknown> }[] {
  return [{ name: 'default', value: { [CUSTOMIZATION.toolbarButtons]: toolbarButtons } }];
}
