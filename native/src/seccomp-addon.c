/* seccomp.node: turns a seccomp rule list into the classic BPF program the kernel loads.
 * Loaded only when src/runtime/seccomp.ts misses its cache, so the CLI's start-up never pays for it.
 * TypeScript has validated and lowered every value (actions are final SCMP_ACT_* numbers, arches are
 * libseccomp names); this file checks the shape of what it gets and reports libseccomp's errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* A syscall has six arguments: more conditions than that can only be a caller bug. */
#define MAX_ARGS 6

static napi_value throw_msg(napi_env env, const char *fmt, const char *what, int err) {
  char msg[512];
  int n = snprintf(msg, sizeof msg, fmt, what);
  if (err && n > 0 && (size_t)n < sizeof msg) snprintf(msg + n, sizeof msg - (size_t)n, ": %s", strerror(err));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static int get_u32(napi_env env, napi_value arr, uint32_t i, uint32_t *out) {
  napi_value v;
  return napi_get_element(env, arr, i, &v) == napi_ok && napi_get_value_uint32(env, v, out) == napi_ok ? 0 : -1;
}

static int get_u64(napi_env env, napi_value arr, uint32_t i, uint64_t *out) {
  napi_value v;
  bool lossless = false;
  if (napi_get_element(env, arr, i, &v) != napi_ok) return -1;
  if (napi_get_value_bigint_uint64(env, v, out, &lossless) != napi_ok) return -1;
  return lossless ? 0 : -1;
}

/* An array element that must itself be an array; *len receives its length. */
static int get_array(napi_env env, napi_value arr, uint32_t i, napi_value *out, uint32_t *len) {
  bool is_array = false;
  if (napi_get_element(env, arr, i, out) != napi_ok) return -1;
  if (napi_is_array(env, *out, &is_array) != napi_ok || !is_array) return -1;
  return napi_get_array_length(env, *out, len) == napi_ok ? 0 : -1;
}

static int get_string(napi_env env, napi_value arr, uint32_t i, char *buf, size_t cap) {
  napi_value v;
  size_t n = 0;
  if (napi_get_element(env, arr, i, &v) != napi_ok) return -1;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok || n >= cap) return -1;
  return napi_get_value_string_utf8(env, v, buf, cap, &n) == napi_ok ? 0 : -1;
}

static int add_arches(napi_env env, scmp_filter_ctx ctx, napi_value arches) {
  uint32_t n = 0;
  if (napi_get_array_length(env, arches, &n) != napi_ok) return throw_msg(env, "seccomp: %s is not an array", "arches", 0), -1;
  for (uint32_t i = 0; i < n; i++) {
    char name[32];
    if (get_string(env, arches, i, name, sizeof name) < 0) return throw_msg(env, "seccomp: bad %s entry", "arches", 0), -1;
    uint32_t token = seccomp_arch_resolve_name(name);
    if (token == 0) return throw_msg(env, "seccomp: architecture %s is unknown to this libseccomp", name, 0), -1;
    int rc = seccomp_arch_add(ctx, token); /* the native arch is already in a new filter */
    if (rc < 0 && rc != -EEXIST) return throw_msg(env, "seccomp: cannot add architecture %s", name, -rc), -1;
  }
  return 0;
}

/* One rule: [name, action, [[index, op, value, valueTwo], ...]]. Unknown names are skipped, as runc
 * does: a profile lists syscalls newer than the library, and those cannot be called anyway. */
static int add_rule(napi_env env, scmp_filter_ctx ctx, napi_value rules, uint32_t i) {
  napi_value rule, args;
  uint32_t len = 0, nargs = 0, action = 0;
  char name[128];
  if (get_array(env, rules, i, &rule, &len) < 0 || len != 3 || get_string(env, rule, 0, name, sizeof name) < 0 ||
      get_u32(env, rule, 1, &action) < 0 || get_array(env, rule, 2, &args, &nargs) < 0 || nargs > MAX_ARGS)
    return throw_msg(env, "seccomp: malformed %s entry", "rules", 0), -1;
  struct scmp_arg_cmp cmp[MAX_ARGS];
  memset(cmp, 0, sizeof cmp);
  for (uint32_t j = 0; j < nargs; j++) {
    napi_value a;
    uint32_t alen = 0, op = 0;
    if (get_array(env, args, j, &a, &alen) < 0 || alen != 4 || get_u32(env, a, 0, &cmp[j].arg) < 0 ||
        get_u32(env, a, 1, &op) < 0 || get_u64(env, a, 2, &cmp[j].datum_a) < 0 || get_u64(env, a, 3, &cmp[j].datum_b) < 0)
      return throw_msg(env, "seccomp: malformed argument condition for %s", name, 0), -1;
    cmp[j].op = (enum scmp_compare)op;
  }
  int nr = seccomp_syscall_resolve_name(name);
  if (nr == __NR_SCMP_ERROR) return 0;
  int rc = seccomp_rule_add_array(ctx, action, nr, nargs, cmp);
  if (rc < 0) return throw_msg(env, "seccomp: cannot add the rule for %s", name, -rc), -1;
  return 0;
}

/* seccomp_export_bpf writes to an fd: a memfd keeps the program in memory and needs no cleanup. */
static napi_value export_bpf(napi_env env, scmp_filter_ctx ctx) {
  int fd = memfd_create("mydocker-seccomp", MFD_CLOEXEC);
  if (fd < 0) return throw_msg(env, "seccomp: %s", "memfd_create", errno);
  napi_value ret = NULL;
  struct stat st;
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0) throw_msg(env, "seccomp: %s", "seccomp_export_bpf", -rc);
  else if (fstat(fd, &st) < 0) throw_msg(env, "seccomp: %s", "fstat", errno);
  else {
    void *data = NULL;
    size_t got = 0, size = (size_t)st.st_size;
    if (napi_create_buffer(env, size, &data, &ret) != napi_ok) ret = throw_msg(env, "seccomp: %s", "cannot allocate the buffer", 0);
    while (ret && got < size) {
      ssize_t n = pread(fd, (char *)data + got, size - got, (off_t)got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) ret = throw_msg(env, "seccomp: %s", "reading the exported program", n < 0 ? errno : EIO);
      else got += (size_t)n;
    }
  }
  close(fd);
  return ret;
}

/* compile(defaultAction, arches, rules, optimize) → Buffer of struct sock_filter. */
static napi_value js_compile(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  uint32_t def = 0;
  bool optimize = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4 ||
      napi_get_value_uint32(env, argv[0], &def) != napi_ok || napi_get_value_bool(env, argv[3], &optimize) != napi_ok)
    return throw_msg(env, "seccomp: %s", "compile(defaultAction, arches, rules, optimize) expected", 0);
  scmp_filter_ctx ctx = seccomp_init(def);
  if (!ctx) return throw_msg(env, "seccomp: %s", "seccomp_init refused the default action", 0);
  napi_value ret = NULL;
  uint32_t nrules = 0;
  int rc = 0;
  /* nsexec sets no_new_privs itself when the spec asks; the filter must not force it. */
  if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0) throw_msg(env, "seccomp: cannot clear %s", "SCMP_FLTATR_CTL_NNP", -rc);
  /* Binary-tree dispatch keeps a long allow list cheap per syscall (runc does the same above 32 rules;
   * libseccomp 2.5.4 mishandles it with no rules, so the caller decides). */
  else if (optimize && (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
    throw_msg(env, "seccomp: cannot set %s", "SCMP_FLTATR_CTL_OPTIMIZE", -rc);
  else if (add_arches(env, ctx, argv[1]) == 0) {
    if (napi_get_array_length(env, argv[2], &nrules) != napi_ok) throw_msg(env, "seccomp: %s is not an array", "rules", 0);
    else {
      uint32_t i = 0;
      while (i < nrules && add_rule(env, ctx, argv[2], i) == 0) i++;
      if (i == nrules) ret = export_bpf(env, ctx);
    }
  }
  seccomp_release(ctx);
  return ret;
}

/* version() → "2.5.4": the libseccomp this addon was linked with. */
static napi_value js_version(napi_env env, napi_callback_info info) {
  (void)info;
  const struct scmp_version *v = seccomp_version();
  char buf[48];
  snprintf(buf, sizeof buf, "%u.%u.%u", v->major, v->minor, v->micro);
  napi_value s;
  napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &s);
  return s;
}

static napi_value init(napi_env env, napi_value exports) {
  /* Writable like a JS module's exports, so tests can wrap compile to count calls. */
  const napi_property_attributes attrs = napi_writable | napi_enumerable | napi_configurable;
  napi_property_descriptor props[] = {
    { "compile", NULL, js_compile, NULL, NULL, NULL, attrs, NULL },
    { "version", NULL, js_version, NULL, NULL, NULL, attrs, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
