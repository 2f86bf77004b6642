/* sys.node part: a new network namespace, pinned at a file, without a process to hold it.
 * The network of a container is then set up (CNI ADD, a few plugin processes) while the rest of the
 * container is still being made, and the container joins it (src/engine/lifecycle/start.ts).
 * A network namespace belongs to a thread, not to the process, so this thread may enter a new one and
 * come back while Node's other threads stay where they are; no JavaScript runs in between. */
#define _GNU_SOURCE
#include "addon.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

/* A new namespace's loopback is down; nsexec brings it up only in namespaces it creates itself. */
static int loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
  if (rc == 0) {
    ifr.ifr_flags |= IFF_UP;
    rc = ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  int e = errno;
  close(s);
  errno = e;
  return rc;
}

/* newNetns(file): file must exist (an empty file); it becomes a bind mount of the new namespace. */
static napi_value js_new_netns(napi_env env, napi_callback_info info) {
  ARGS(1);
  STR(0, file);
  if (!file) return throw_invalid(env, "newNetns: a path is needed");
  int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) return throw_errno(env, "open", "/proc/thread-self/ns/net");
  if (unshare(CLONE_NEWNET) < 0) {
    int e = errno;
    close(home);
    errno = e;
    return throw_errno(env, "unshare", NULL);
  }
  const char *failed = "ioctl";
  int rc = loopback_up();
  if (rc == 0) {
    failed = "mount";
    rc = mount("/proc/thread-self/ns/net", file, NULL, MS_BIND, NULL);
  }
  int e = errno;
  /* Staying in the new namespace would move every later socket of this thread into it: never return so. */
  if (setns(home, CLONE_NEWNET) < 0) abort();
  close(home);
  errno = e;
  if (rc < 0) return throw_errno(env, failed, file);
  return NULL;
}

void addon_netns_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = { FN("newNetns", js_new_netns) };
  EXPORT(env, exports, props);
}
