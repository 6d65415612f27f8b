import type { SecretStore } from './deploy/secret-store';
import type { RemoteRunner } from './remote/parts';
import type { TargetsService } from './remote/targets';
import type {
  Channel,
  EventMap,
  EventName,
  OverrideVia,
  PackageBuilt,
  PackageTarget,
  PreviewResult,
  RequestOf,
  ResponseOf,
} from '../contract';

export interface CoreOptions {
  /** The data folder: database, stored models, exports. EDGEPACK_HOME or the OS app-data folder. */
  home: string;
  /** Where toolchain virtual environments live (default `<home>/toolchains`; EDGEPACK_TOOLCHAINS overrides). */
  toolchainsDir?: string;
  /** Root of the repository/app resources holding `trainers/`. */
  resourcesDir?: string;
  /** Electron passes the better-sqlite3 binary built for its ABI; Node leaves it unset. */
  sqliteNativeBinding?: string;
  /** Python interpreter used to create toolchain environments (EDGEPACK_PYTHON, else python3). */
  python?: string;
  /** Platform URL and token: Electron passes an OS-keychain store; by default a 0600 file in the data folder. */
  secretStore?: SecretStore;
  /**
   * How exports reach remote targets; by default remote/wiring.ts's (kubeconfig, S3, the Deploy settings' platform).
   * The remote-export tests pass one whose Jobs also run as local processes.
   */
  remoteRunner?: (targets: TargetsService, secrets: SecretStore) => RemoteRunner;
}

export type Listener<E extends EventName> = (payload: EventMap[E]) => void;

/** Everything the app does, independent of Electron. Main process, CLI and web harness all hold one of these. */
export interface Core {
  /** Validates the request against the contract and runs it; rejects with an AppError (code, message, hint). */
  handle<C extends Channel>(channel: C, request: RequestOf<C> | unknown): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
  close(): Promise<void>;
}

/**
 * What a host acting with the person's own rights on this machine (the CLI) may ask beyond the contract: writing
 * outside the data folder and walking any folder. IPC and the web harness bind the contract's channels only, so a
 * renderer never reaches these.
 */
export interface LocalOperations {
  /** Copies a finished export's files and its metadata.json into `dir` (made when missing); the copied paths. */
  copyExport(id: string, dir: string): string[];
  /** Image files named directly plus the images inside folders (recursively, sorted, hidden entries skipped). */
  expandImages(inputs: readonly string[]): { files: string[]; skipped: number };
  /**
   * Draws a preview result onto its image and writes it into `dir` under the image's name; `taken` (shared across
   * one run) numbers names used twice. Returns the written path.
   */
  saveAnnotated(result: PreviewResult, dir: string, taken?: Set<string>): Promise<string>;
  /** Builds a package of a completed export into `dir` (made when missing), with progress on packages:progress. */
  buildPackage(
    exportId: string,
    target: PackageTarget,
    dir: string,
    overrideAccuracy?: OverrideVia,
  ): Promise<PackageBuilt>;
}

/** The core as a local host holds it: the contract's channels and events, plus the local operations. */
export interface LocalCore extends Core {
  local: LocalOperations;
}
