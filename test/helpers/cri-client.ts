// A small typed client for the Kubernetes CRI (runtime.v1) over gRPC on a unix socket: the calls a kubelet makes
// to run one pod, and nothing else. The schema is test/helpers/cri-api.proto (a field-exact subset of cri-api).
// Loaded with keepCase (fields are snake_case as on the wire), enums as their names, int64 as decimal strings.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');
export const CRI_PROTO = path.join(REPO, 'test', 'helpers', 'cri-api.proto');

export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
/** int64 fields: sent as numbers, received as decimal strings. */
type Int64In = number | string;

export interface NamespaceOption { network?: NamespaceMode; pid?: NamespaceMode; ipc?: NamespaceMode; target_id?: string }
export interface ImageSpec { image: string; annotations?: Record<string, string> }

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt?: number }
export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  log_directory?: string;
  dns_config?: { servers?: string[]; searches?: string[]; options?: string[] };
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  linux?: {
    cgroup_parent?: string;
    security_context?: { namespace_options?: NamespaceOption; privileged?: boolean; readonly_rootfs?: boolean };
    sysctls?: Record<string, string>;
  };
}

export interface ContainerConfig {
  metadata: { name: string; attempt?: number };
  image: ImageSpec;
  command?: string[];
  args?: string[];
  working_dir?: string;
  envs?: { key: string; value: string }[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  log_path?: string;
  stdin?: boolean;
  tty?: boolean;
  linux?: {
    resources?: { cpu_shares?: Int64In; memory_limit_in_bytes?: Int64In; oom_score_adj?: Int64In };
    security_context?: { namespace_options?: NamespaceOption; privileged?: boolean; readonly_rootfs?: boolean; no_new_privs?: boolean };
  };
}

export interface VersionResponse { version: string; runtime_name: string; runtime_version: string; runtime_api_version: string }
export interface StatusResponse { status: { conditions: { type: string; status: boolean; reason: string; message: string }[] } | null }
export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: PodSandboxState;
  created_at: string;
  network: { ip: string } | null;
  runtime_handler: string;
}
export interface ContainerStatus {
  id: string;
  metadata: { name: string; attempt: number } | null;
  state: ContainerState;
  created_at: string;
  started_at: string;
  finished_at: string;
  exit_code: number;
  image: ImageSpec | null;
  image_ref: string;
  reason: string;
  message: string;
  log_path: string;
}
export interface ExecSyncResponse { stdout: Buffer; stderr: Buffer; exit_code: number }
export interface Image { id: string; repo_tags: string[]; repo_digests: string[]; size: string }

type Callback<T> = (err: grpc.ServiceError | null, res: T) => void;
type Unary = (req: object, meta: grpc.Metadata, opts: grpc.CallOptions, cb: Callback<unknown>) => void;

let packageCache: grpc.GrpcObject | undefined;
function criPackage(): grpc.GrpcObject {
  if (!packageCache) {
    const def = protoLoader.loadSync(CRI_PROTO, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
    packageCache = grpc.loadPackageDefinition(def);
  }
  return packageCache;
}

function service(name: 'RuntimeService' | 'ImageService'): grpc.ServiceClientConstructor {
  const v1 = (criPackage().runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
  return v1[name] as grpc.ServiceClientConstructor;
}

/** A CRI client on `unix://SOCKET`; every call has a deadline (default 60 s: RunPodSandbox may pull nothing but still mounts). */
export class CriClient {
  private readonly runtime: grpc.Client;
  private readonly images: grpc.Client;

  constructor(readonly socket: string, private readonly timeoutMs = 60_000) {
    const target = `unix://${socket}`;
    this.runtime = new (service('RuntimeService'))(target, grpc.credentials.createInsecure());
    this.images = new (service('ImageService'))(target, grpc.credentials.createInsecure());
  }

  close(): void {
    this.runtime.close();
    this.images.close();
  }

  private call<T>(client: grpc.Client, method: string, req: object, timeoutMs = this.timeoutMs): Promise<T> {
    const fn = (client as unknown as Record<string, Unary>)[method];
    if (typeof fn !== 'function') return Promise.reject(new Error(`cri client has no method ${method}`));
    return new Promise<T>((resolve, reject) => {
      fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) reject(Object.assign(new Error(`cri ${method} failed: ${err.details || err.message}`), { code: err.code, cause: err }));
        else resolve(res as T);
      });
    });
  }

  version(timeoutMs?: number): Promise<VersionResponse> {
    return this.call(this.runtime, 'Version', { version: 'v1' }, timeoutMs);
  }

  status(): Promise<StatusResponse> {
    return this.call(this.runtime, 'Status', {});
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const res = await this.call<{ pod_sandbox_id: string }>(this.runtime, 'RunPodSandbox', { config, runtime_handler: runtimeHandler });
    return res.pod_sandbox_id;
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    const res = await this.call<{ status: PodSandboxStatus }>(this.runtime, 'PodSandboxStatus', { pod_sandbox_id: podSandboxId });
    return res.status;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.runtime, 'StopPodSandbox', { pod_sandbox_id: podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.runtime, 'RemovePodSandbox', { pod_sandbox_id: podSandboxId });
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const res = await this.call<{ container_id: string }>(this.runtime, 'CreateContainer', {
      pod_sandbox_id: podSandboxId, config, sandbox_config: sandboxConfig,
    });
    return res.container_id;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call(this.runtime, 'StartContainer', { container_id: containerId });
  }

  /** timeoutSeconds: the grace period between the stop signal and SIGKILL. */
  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.call(this.runtime, 'StopContainer', { container_id: containerId, timeout: timeoutSeconds },
      this.timeoutMs + timeoutSeconds * 1000);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.call(this.runtime, 'RemoveContainer', { container_id: containerId });
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    const res = await this.call<{ status: ContainerStatus }>(this.runtime, 'ContainerStatus', { container_id: containerId });
    return res.status;
  }

  /** timeoutSeconds: 0 means none (the server's default); the gRPC deadline is the client's own. */
  execSync(containerId: string, cmd: string[], timeoutSeconds = 10): Promise<ExecSyncResponse> {
    return this.call(this.runtime, 'ExecSync', { container_id: containerId, cmd, timeout: timeoutSeconds },
      this.timeoutMs + timeoutSeconds * 1000);
  }

  async listImages(): Promise<Image[]> {
    const res = await this.call<{ images: Image[] }>(this.images, 'ListImages', {});
    return res.images;
  }

  /** The image, or null when the runtime does not have it. */
  async imageStatus(image: string): Promise<Image | null> {
    const res = await this.call<{ image: Image | null }>(this.images, 'ImageStatus', { image: { image } });
    return res.image && res.image.id ? res.image : null;
  }
}
