/** The parts of an OHIF 3.13 mode definition this mode reads or writes (OHIF ships no types). */
export interface ModeContext {
  readonly servicesManager: { readonly services: { readonly toolbarService: { updateSection(key: string, ids: string[]): void } } & Record<string, unknown> };
  readonly commandsManager: { runCommand(name: string, options?: Record<string, unknown>): unknown };
  readonly extensionManager: unknown;
}

export interface LayoutInstance {
  readonly id: string;
  readonly props: { readonly rightPanels?: readonly string[]; readonly leftPanels?: readonly string[] } & Record<string, unknown>;
}

export interface Route {
  readonly path: string;
  readonly layoutTemplate: (this: Route, ...args: unknown[]) => unknown;
  /** OHIF 3.13+; older routes build their layout in layoutTemplate only. */
  readonly layoutInstance?: LayoutInstance;
}

export type ToolBlock = Record<string, readonly { toolName: string }[]>;

export interface ModeInstance {
  readonly id: string;
  readonly routeName: string;
  readonly displayName: string;
  readonly routes: readonly Route[];
  readonly extensions: Readonly<Record<string, string>>;
  readonly toolbarButtons?: unknown;
  readonly toolGroupAdditions?: Readonly<Record<string, readonly ToolBlock[]>>;
  readonly nonModeModalities?: readonly string[];
  onModeEnter?(this: ModeInstance, ctx: ModeContext): void;
  onModeExit?(this: ModeInstance, ctx: ModeContext): void;
  isValidMode?(this: ModeInstance, args: { modalities: string; study?: unknown }): { valid: boolean; description: string };
  readonly [key: string]: unknown;
}

/** What a mode module exports (OHIF calls modeFactory with `this` = the module). */
export interface ModeModule {
  readonly id: string;
  readonly modeInstance?: ModeInstance;
  modeFactory(this: ModeModule, args: { modeConfiguration?: unknown; loadModules: LoadModules }): ModeInstance | Promise<ModeInstance>;
  readonly extensionDependencies?: Readonly<Record<string, string>>;
}

export type LoadModules = (names: string[]) => Promise<unknown[]>;
