// A minimal valid InitPlan for tests of the encoder and the C parser.
import type { InitPlan } from '../plan';

export function samplePlan(over: Partial<InitPlan> = {}): InitPlan {
  return {
    nsCreate: 0x20000, nsJoin: [], cgroupnsLate: false, rootReadonly: false, mounts: [], devices: [], symlinks: [],
    masked: [], readonlyPaths: [], sysctls: [], rlimits: [], uid: 0, gid: 0, additionalGids: [], noNewPrivs: false,
    argv: ['/bin/true'], env: ['PATH=/bin'], terminal: false, stdinRelay: false, detach: false, loopbackUp: false,
    log: false, keepFds: [], cgroupJoin: [], ...over,
  };
}
