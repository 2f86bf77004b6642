/* sys.node part: cgroup v2 device programs (eBPF).
 *
 * attachDeviceFilter(cgroupDir, insns): loads the instructions that src/cgroups/device-filter.ts
 * built as a BPF_PROG_TYPE_CGROUP_DEVICE program and attaches it to the cgroup directory. Both
 * file descriptors are closed before returning: the attachment holds a reference to the program,
 * which the kernel frees when the cgroup is removed. Only bpf(2), open(2) and close(2): all are
 * safe from Node's main thread. */
#define _GNU_SOURCE
#include "addon.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The verifier's trace for a refused program: big enough for ours (a few hundred instructions at
 * most); a longer trace is cut and its end is what we keep anyway. */
#define LOG_SIZE (256 * 1024)

static long sys_bpf(int cmd, union bpf_attr *attr) {
  return syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

/* Like throw_errno, with the verifier's last words added to the message. */
static napi_value throw_errno_detail(napi_env env, int err, const char *syscall, const char *path, const char *detail) {
  errno = err;
  throw_errno(env, syscall, path);
  if (!detail || !*detail) return NULL;
  napi_value exc, msg;
  char buf[4096];
  size_t n = 0;
  napi_get_and_clear_last_exception(env, &exc);
  napi_get_named_property(env, exc, "message", &msg);
  napi_get_value_string_utf8(env, msg, buf, sizeof buf, &n);
  snprintf(buf + n, sizeof buf - n, " (verifier: %s)", detail);
  napi_set_named_property(env, exc, "message", str_value(env, buf));
  napi_throw(env, exc);
  return NULL;
}

/* The last lines of a verifier log, one line of text: the reason is at the end, after the trace. */
static const char *log_tail(char *log) {
  size_t len = strnlen(log, LOG_SIZE - 1);
  log[len] = '\0';
  while (len && (log[len - 1] == '\n' || log[len - 1] == ' ')) log[--len] = '\0';
  char *start = len > 600 ? log + len - 600 : log;
  if (start != log) {
    char *nl = strchr(start, '\n');
    if (nl) start = nl + 1;
  }
  for (char *p = start; *p; p++) if (*p == '\n') *p = ' ';
  return start;
}

/* BPF_PROG_LOAD; on failure, once more with a log so that the error says why. Returns the fd or
 * -1 with *detail set (a malloc'd log the caller frees, or NULL) and errno from the first try. */
static int load_program(const void *insns, size_t count, char **detail) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)insns;
  attr.insn_cnt = (uint32_t)count;
  /* The kernel only checks the license before GPL-only helpers; this program calls none. */
  attr.license = (uint64_t)(uintptr_t)"MIT";
  int fd, tries = 0;
  /* EAGAIN: verification was interrupted (a signal); libbpf retries the same way. */
  do fd = (int)sys_bpf(BPF_PROG_LOAD, &attr); while (fd < 0 && errno == EAGAIN && ++tries < 5);
  *detail = NULL;
  if (fd >= 0) return fd;
  int err = errno;
  char *log = calloc(1, LOG_SIZE);
  if (log) {
    attr.log_level = 1;
    attr.log_size = LOG_SIZE;
    attr.log_buf = (uint64_t)(uintptr_t)log;
    fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
    if (fd >= 0) return fd; /* passed the second time (a transient failure): use it */
    *detail = log;
  }
  errno = err;
  return -1;
}

static napi_value js_attach_device_filter(napi_env env, napi_callback_info info) {
  ARGS(2);
  STR(0, dir);
  bool is_buffer = false;
  void *insns = NULL;
  size_t len = 0;
  if (!dir) return throw_invalid(env, "attachDeviceFilter: the cgroup directory must be a string");
  napi_is_buffer(env, argv[1], &is_buffer);
  if (is_buffer) napi_get_buffer_info(env, argv[1], &insns, &len);
  if (!is_buffer || len == 0 || len % sizeof(struct bpf_insn) != 0)
    return throw_invalid(env, "attachDeviceFilter: the program must be a non-empty Buffer of 8-byte instructions");

  char *detail = NULL;
  int prog = load_program(insns, len / sizeof(struct bpf_insn), &detail);
  if (prog < 0) {
    int err = errno;
    napi_value ret = throw_errno_detail(env, err, "bpf(BPF_PROG_LOAD)", dir, detail ? log_tail(detail) : NULL);
    free(detail);
    return ret;
  }
  int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg < 0) {
    int err = errno;
    close(prog);
    errno = err;
    return throw_errno(env, "open", dir);
  }
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t)cg;
  attr.attach_bpf_fd = (uint32_t)prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  /* MULTI: programs of ancestors still run too (each must allow), and a later program of ours
   * can be added beside this one rather than being refused. */
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  long rc = sys_bpf(BPF_PROG_ATTACH, &attr);
  int err = errno;
  close(cg);
  close(prog);
  errno = err;
  CHECK(rc, "bpf(BPF_PROG_ATTACH)", dir);
  return NULL;
}

void addon_bpf_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    FN("attachDeviceFilter", js_attach_device_filter),
  };
  EXPORT(env, exports, props);
}
