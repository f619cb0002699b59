/**
 * The small part of OHIF 3.13's service and extension API that this extension uses. OHIF publishes no type
 * declarations (its `types` point at sources it does not ship), so these are written from its sources and
 * checked against the running viewer. Cornerstone types come from @cornerstonejs/* themselves.
 */
import type { Types as ToolsTypes } from '@cornerstonejs/tools';

export interface Subscription {
  unsubscribe(): void;
}

export interface PubSub {
  readonly EVENTS: Readonly<Record<string, string>>;
  subscribe(event: string, callback: (payload: unknown) => void): Subscription;
}

export interface DisplaySet {
  readonly displaySetInstanceUID: string;
  readonly StudyInstanceUID?: string;
  readonly SeriesInstanceUID?: string;
  readonly Modality?: string;
  readonly SeriesNumber?: number | string;
  readonly SeriesDescription?: string;
  readonly imageIds?: readonly string[];
  readonly isReconstructable?: boolean;
  /** The series' instance metadata (keyword-keyed, as DicomMetadataStore keeps it). */
  readonly instances?: readonly Readonly<Record<string, unknown>>[];
}

export interface DisplaySetService extends PubSub {
  getDisplaySetByUID(displaySetInstanceUID: string): DisplaySet | undefined;
  getActiveDisplaySets(): DisplaySet[];
}

export interface ViewportGridService extends PubSub {
  getActiveViewportId(): string;
  getDisplaySetsUIDsForViewport(viewportId: string): string[] | undefined;
}

export interface SegmentationRepresentation {
  readonly segmentationId: string;
  readonly type: string;
  readonly active: boolean;
  readonly visible: boolean;
}

export interface SegmentConfig {
  segmentIndex?: number;
  label?: string;
  active?: boolean;
  color?: readonly number[];
}

export interface SegmentationService extends PubSub {
  getSegmentation(segmentationId: string): ToolsTypes.Segmentation | undefined;
  getSegmentations(): ToolsTypes.Segmentation[];
  getSegmentationRepresentations(viewportId: string, specifier?: { segmentationId?: string; type?: string }): SegmentationRepresentation[];
  createLabelmapForDisplaySet(
    displaySet: DisplaySet,
    options?: { segmentationId?: string; label?: string; segments?: Record<number, { label: string; active?: boolean }> },
  ): Promise<string>;
  addSegmentationRepresentation(viewportId: string, options: { segmentationId: string; type?: string }): Promise<void>;
  setActiveSegmentation(viewportId: string, segmentationId: string): void;
  getActiveSegmentation(viewportId: string): ToolsTypes.Segmentation | null | undefined;
  getActiveSegment(viewportId: string): ToolsTypes.Segment | undefined;
  getNextAvailableSegmentIndex(segmentationId: string): number;
  addSegment(segmentationId: string, config?: SegmentConfig): void;
  setActiveSegment(segmentationId: string, segmentIndex: number): void;
  setSegmentLabel?(segmentationId: string, segmentIndex: number, label: string): void;
  remove(segmentationId: string): void;
  getSegmentColor?(viewportId: string, segmentationId: string, segmentIndex: number): readonly number[] | undefined;
  setSegmentColor?(viewportId: string, segmentationId: string, segmentIndex: number, color: readonly number[]): void;
}

export interface PanelService {
  activatePanel(panelId: string, forceActive?: boolean): void;
}

export interface UINotificationService {
  show(options: { title: string; message: string; type?: 'info' | 'success' | 'warning' | 'error'; duration?: number }): void;
}

export interface ToolbarService {
  updateSection(key: string, buttonIds: string[]): void;
}

export interface CornerstoneViewportService {
  getCornerstoneViewport(viewportId: string): unknown;
}

export interface UserAuthenticationService {
  getAuthorizationHeader?(): { Authorization?: string } | undefined;
}

/** The part of an OHIF data source (extension-default's dicomweb and others) used to store objects. */
export interface DataSource {
  getConfig?(): Readonly<Record<string, unknown>> | undefined;
  readonly store?: { dicom?(dataset: ArrayBuffer, request?: unknown): Promise<unknown> };
}

export interface ExtensionManager {
  getActiveDataSource(): DataSource[];
}

export interface Services {
  readonly segmentationService: SegmentationService;
  readonly displaySetService: DisplaySetService;
  readonly viewportGridService: ViewportGridService;
  readonly panelService: PanelService;
  readonly uiNotificationService: UINotificationService;
  readonly toolbarService: ToolbarService;
  readonly cornerstoneViewportService: CornerstoneViewportService;
  readonly userAuthenticationService?: UserAuthenticationService;
  readonly customizationService?: CustomizationService;
}

/** OHIF ≥ 3.9's customizations; mode-scoped ones are dropped when the mode exits. */
export interface CustomizationService {
  getCustomization(key: string): unknown;
  setCustomizations?(customizations: Record<string, unknown>, scope?: string): void;
}

export interface ServicesManager {
  readonly services: Services;
}

export interface CommandsManager {
  runCommand(commandName: string, options?: Record<string, unknown>, contextName?: string): unknown;
}

/** What OHIF passes to an extension's preRegistration and module getters. */
export interface ExtensionParams {
  readonly servicesManager: ServicesManager;
  readonly commandsManager: CommandsManager;
  readonly extensionManager: unknown;
  readonly appConfig?: { readonly medsam?: unknown } & Record<string, unknown>;
  readonly configuration?: unknown;
}

export type CommandFn = (options: Record<string, unknown>) => unknown;

export interface CommandsModule {
  readonly definitions: Record<string, { commandFn: CommandFn; options?: Record<string, unknown> }>;
  readonly defaultContext: string;
}

export interface PanelModuleEntry {
  readonly name: string;
  readonly iconName: string;
  readonly iconLabel: string;
  readonly label: string;
  readonly component: unknown;
}

export interface ToolbarButton {
  readonly id: string;
  readonly uiType: string;
  readonly props: Record<string, unknown>;
}

export interface ToolbarEvaluator {
  readonly name: string;
  readonly evaluate: (args: { viewportId?: string; button?: unknown }) => { disabled?: boolean; disabledText?: string } | undefined;
}

export interface OhifExtension {
  readonly id: string;
  preRegistration?(params: ExtensionParams): void | Promise<void>;
  onModeEnter?(params: ExtensionParams): void;
  onModeExit?(params: ExtensionParams): void;
  getCommandsModule?(params: ExtensionParams): CommandsModule;
  getPanelModule?(params: ExtensionParams): PanelModuleEntry[];
  getToolbarModule?(params: ExtensionParams): ToolbarEvaluator[];
  getCustomizationModule?(params: ExtensionParams): { name: string; value: Record<string, unknown> }[];
}
