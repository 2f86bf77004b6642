/* sys.node part: cgroup v2 device programs (eBPF). */
#define _GNU_SOURCE
#include "addon.h"

void addon_bpf_register(napi_env env, napi_value exports) {
  (void)env;
  (void)exports;
}
