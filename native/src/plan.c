/* Bounds-checked parser for the InitPlan wire format (see plan.h). Fuzzed by test/plan-fuzz.c. */
#include "plan.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct cursor { const unsigned char *p; size_t left; };
struct rec { unsigned tag; const unsigned char *val; size_t len; };

static uint32_t rd32(const unsigned char *b) { return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24; }

static int next_rec(struct cursor *c, struct rec *r) {
  if (c->left == 0) return 0;
  if (c->left < 6) return -1;
  r->tag = c->p[0] | c->p[1] << 8;
  r->len = rd32(c->p + 2);
  if (r->len > c->left - 6) return -1;
  r->val = c->p + 6;
  c->p += 6 + r->len;
  c->left -= 6 + r->len;
  return 1;
}

/* Arena: every allocation is remembered so a failed parse frees everything it made. */
struct arena { void **ptrs; size_t n, cap; };
static struct arena A;

static void *amalloc(size_t n) {
  if (A.n == A.cap) {
    size_t cap = A.cap ? A.cap * 2 : 64;
    void **np = realloc(A.ptrs, cap * sizeof *np);
    if (!np) return NULL;
    A.ptrs = np; A.cap = cap;
  }
  void *m = calloc(1, n ? n : 1);
  if (m) A.ptrs[A.n++] = m;
  return m;
}

static int get_u64(const struct rec *r, uint64_t *out) {
  if (r->len != 8) return -1;
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | r->val[i];
  *out = v;
  return 0;
}

static int get_str(const struct rec *r, char **out) {
  if (memchr(r->val, 0, r->len)) return -1;
  char *s = amalloc(r->len + 1);
  if (!s) return -1;
  memcpy(s, r->val, r->len);
  *out = s;
  return 0;
}

/* A path: the same as a string, but refused when longer than any path buffer in the C core. */
static int get_path(const struct rec *r, char **out) {
  return r->len > PLAN_PATH_MAX ? -1 : get_str(r, out);
}

static int get_flag(const struct rec *r, int *out) {
  uint64_t v;
  if (get_u64(r, &v) < 0 || v > 1) return -1;
  *out = (int)v;
  return 0;
}

/* Grow-by-one array append; arrays live in the arena, old copies are simply abandoned. */
static void *append(void *arr, size_t *n, size_t size) {
  unsigned char *na = amalloc((*n + 2) * size); /* +2 keeps string lists NULL-terminated */
  if (!na) return NULL;
  if (*n) memcpy(na, arr, *n * size);
  (*n)++;
  return na;
}
#define APPEND(arr, n) ((arr) = append((arr), &(n), sizeof *(arr)), (arr) ? &(arr)[(n) - 1] : NULL)

/* Nested records are parsed from a table: each sub-tag names a field and how to read it. */
enum kind { U64, STR, PATH, FLAG };
struct field { unsigned tag; enum kind kind; size_t offset; };
#define F(tag, kind, type, member) { tag, kind, offsetof(type, member) }

static int parse_fields(const struct rec *r, void *base, const struct field *fields, size_t n) {
  struct cursor c = { r->val, r->len };
  struct rec s;
  int k;
  while ((k = next_rec(&c, &s)) > 0) {
    size_t i = 0;
    while (i < n && fields[i].tag != s.tag) i++;
    if (i == n) return -1;
    void *dst = (char *)base + fields[i].offset;
    int rc = fields[i].kind == U64 ? get_u64(&s, dst) : fields[i].kind == STR ? get_str(&s, dst)
           : fields[i].kind == PATH ? get_path(&s, dst) : get_flag(&s, dst);
    if (rc < 0) return -1;
  }
  return k;
}

static const struct field mount_fields[] = {
  F(S_SRC, PATH, struct plan_mount, src), F(S_DST, PATH, struct plan_mount, dst), F(S_FSTYPE, STR, struct plan_mount, fstype),
  F(S_DATA, STR, struct plan_mount, data), F(S_FLAGS, U64, struct plan_mount, flags),
  F(S_PROPAGATION, U64, struct plan_mount, propagation), F(S_BIND, FLAG, struct plan_mount, bind),
  F(S_MKFILE, FLAG, struct plan_mount, mkfile),
};
static const struct field device_fields[] = {
  F(S_DEV_PATH, PATH, struct plan_device, path), F(S_DEV_TYPE, U64, struct plan_device, type),
  F(S_DEV_MAJOR, U64, struct plan_device, major), F(S_DEV_MINOR, U64, struct plan_device, minor),
  F(S_DEV_MODE, U64, struct plan_device, mode), F(S_DEV_UID, U64, struct plan_device, uid), F(S_DEV_GID, U64, struct plan_device, gid),
};
static const struct field kv_fields[] = { F(S_KEY, PATH, struct plan_kv, key), F(S_VALUE, STR, struct plan_kv, value) };
static const struct field ns_fields[] = { F(S_NS_TYPE, U64, struct plan_ns, type), F(S_NS_PATH, PATH, struct plan_ns, path) };
#define PARSE(r, p, fields) parse_fields((r), (p), (fields), sizeof(fields) / sizeof(fields)[0])

static int parse_mount(const struct rec *r, struct plan_mount *m) {
  return PARSE(r, m, mount_fields) < 0 || !m->dst || m->dst[0] != '/' ? -1 : 0;
}
static int parse_device(const struct rec *r, struct plan_device *d) {
  return PARSE(r, d, device_fields) < 0 || !d->path || d->path[0] != '/' ? -1 : 0;
}
static int parse_pair(const struct rec *r, struct plan_kv *kv) {
  return PARSE(r, kv, kv_fields) < 0 || !kv->key || !kv->value ? -1 : 0;
}
static int parse_ns(const struct rec *r, struct plan_ns *ns) {
  return PARSE(r, ns, ns_fields) < 0 || !ns->path || !ns->type ? -1 : 0;
}

/* A hook: fixed fields plus repeated argument and environment records. */
static int parse_hook(const struct rec *r, struct plan_hook *h) {
  struct cursor c = { r->val, r->len };
  struct rec s;
  char **str;
  int k;
  while ((k = next_rec(&c, &s)) > 0) {
    switch (s.tag) {
    case S_HOOK_STAGE: if (get_u64(&s, &h->stage) < 0) return -1; break;
    case S_HOOK_TIMEOUT: if (get_u64(&s, &h->timeout) < 0) return -1; break;
    case S_HOOK_PATH: if (get_path(&s, &h->path) < 0) return -1; break;
    case S_HOOK_ARG: if (!(str = APPEND(h->argv, h->n_argv)) || get_str(&s, str) < 0) return -1; break;
    case S_HOOK_ENV: if (!(str = APPEND(h->envp, h->n_envp)) || get_str(&s, str) < 0) return -1; break;
    default: return -1;
    }
  }
  if (k < 0 || !h->path || h->path[0] != '/' || (h->stage != HOOK_CREATE_CONTAINER && h->stage != HOOK_START_CONTAINER)) return -1;
  if (!h->n_argv && (!(str = APPEND(h->argv, h->n_argv)) || !(*str = h->path))) return -1; /* argv[0] defaults to the path */
  if (!h->envp && !(h->envp = amalloc(sizeof *h->envp))) return -1;
  return 0;
}

static int parse_u64_triple(const struct rec *r, uint64_t *out, unsigned n) {
  struct cursor c = { r->val, r->len };
  struct rec s;
  int k;
  while ((k = next_rec(&c, &s)) > 0)
    if (s.tag < 1 || s.tag > n || get_u64(&s, &out[s.tag - 1]) < 0) return -1;
  return k;
}

static int parse_record(const struct rec *r, struct plan *p) {
  uint64_t caps[5] = { 0 }, rl[3] = { 0 };
  switch (r->tag) {
  case T_NS_CREATE: return get_u64(r, &p->ns_create);
  case T_NS_JOIN: { struct plan_ns *ns = APPEND(p->ns_join, p->n_ns_join); return ns ? parse_ns(r, ns) : -1; }
  case T_CGROUPNS_LATE: return get_flag(r, &p->cgroupns_late);
  case T_ROOTFS: return get_path(r, &p->rootfs);
  case T_ROOT_PROPAGATION: return get_u64(r, &p->root_propagation);
  case T_ROOT_READONLY: return get_flag(r, &p->root_readonly);
  case T_MOUNT: { struct plan_mount *m = APPEND(p->mounts, p->n_mounts); return m ? parse_mount(r, m) : -1; }
  case T_DEVICE: { struct plan_device *d = APPEND(p->devices, p->n_devices); return d ? parse_device(r, d) : -1; }
  case T_SYMLINK: { struct plan_kv *kv = APPEND(p->symlinks, p->n_symlinks); return kv ? parse_pair(r, kv) : -1; }
  case T_MASK: { char **s = APPEND(p->masked, p->n_masked); return s ? get_path(r, s) : -1; }
  case T_READONLY_PATH: { char **s = APPEND(p->readonly_paths, p->n_readonly_paths); return s ? get_path(r, s) : -1; }
  case T_HOSTNAME: return get_str(r, &p->hostname);
  case T_DOMAINNAME: return get_str(r, &p->domainname);
  case T_SYSCTL: { struct plan_kv *kv = APPEND(p->sysctls, p->n_sysctls); return kv ? parse_pair(r, kv) : -1; }
  case T_RLIMIT: {
    struct plan_rlimit *l = APPEND(p->rlimits, p->n_rlimits);
    if (!l || parse_u64_triple(r, rl, 3) < 0) return -1;
    l->resource = rl[0]; l->soft = rl[1]; l->hard = rl[2];
    return l->resource < 16 ? 0 : -1;
  }
  case T_CAPS:
    if (parse_u64_triple(r, caps, 5) < 0) return -1;
    p->has_caps = 1;
    p->cap_bounding = caps[0]; p->cap_effective = caps[1]; p->cap_permitted = caps[2];
    p->cap_inheritable = caps[3]; p->cap_ambient = caps[4];
    return 0;
  case T_UID: return get_u64(r, &p->uid);
  case T_GID: return get_u64(r, &p->gid);
  case T_ADDITIONAL_GID: { uint64_t *g = APPEND(p->additional_gids, p->n_additional_gids); return g ? get_u64(r, g) : -1; }
  case T_UMASK: p->has_umask = 1; return get_u64(r, &p->umask);
  case T_NO_NEW_PRIVS: return get_flag(r, &p->no_new_privs);
  case T_OOM_SCORE_ADJ: return get_str(r, &p->oom_score_adj);
  case T_CWD: return get_path(r, &p->cwd);
  case T_ARG: { char **s = APPEND(p->argv, p->n_argv); return s ? get_str(r, s) : -1; }
  case T_ENV: { char **s = APPEND(p->envp, p->n_envp); return s ? get_str(r, s) : -1; }
  case T_TERMINAL: return get_flag(r, &p->terminal);
  case T_CONSOLE_SOCKET: return get_path(r, &p->console_socket);
  case T_EXEC_FIFO: return get_path(r, &p->exec_fifo);
  case T_DETACH: return get_flag(r, &p->detach);
  case T_LOOPBACK_UP: return get_flag(r, &p->loopback_up);
  case T_LOG: return get_flag(r, &p->log);
  case T_STDIN_RELAY: return get_flag(r, &p->stdin_relay);
  case T_DETACH_KEYS: return get_str(r, &p->detach_keys);
  case T_KEEP_FD: { uint64_t *f = APPEND(p->keep_fds, p->n_keep_fds); return f ? get_u64(r, f) : -1; }
  case T_CGROUP_JOIN: { char **f = APPEND(p->cgroup_join, p->n_cgroup_join); return f ? get_path(r, f) : -1; }
  case T_CGROUP2_DIR: return get_path(r, &p->cgroup2_dir);
  case T_UID_MAP: return get_str(r, &p->uid_map);
  case T_GID_MAP: return get_str(r, &p->gid_map);
  case T_SESSION_KEYRING: return get_str(r, &p->session_keyring);
  case T_SECCOMP_FLAGS: return get_u64(r, &p->seccomp_flags);
  case T_HOOK: { struct plan_hook *h = APPEND(p->hooks, p->n_hooks); return h ? parse_hook(r, h) : -1; }
  case T_NO_PIVOT: return get_flag(r, &p->no_pivot);
  case T_CONSOLE_SIZE: {
    uint64_t size[2] = { 0, 0 };
    if (parse_u64_triple(r, size, 2) < 0 || size[0] > 65535 || size[1] > 65535) return -1;
    p->console_rows = size[0];
    p->console_cols = size[1];
    return 0;
  }
  case T_SECCOMP:
    if (r->len == 0 || r->len % 8 || r->len > 65535 * 8 || p->seccomp) return -1;
    if (!(p->seccomp = amalloc(r->len))) return -1;
    memcpy(p->seccomp, r->val, r->len);
    p->seccomp_len = r->len;
    return 0;
  default: return -1;
  }
}

int plan_parse(const unsigned char *buf, size_t len, struct plan *p, const char **why) {
  memset(p, 0, sizeof *p);
  memset(&A, 0, sizeof A);
  *why = "bad header";
  if (len < 12 || memcmp(buf, PLAN_MAGIC, 8) != 0) return -1;
  if (rd32(buf + 8) != len - 12 || len > PLAN_MAX_BYTES) { *why = "length mismatch"; return -1; }
  struct cursor c = { buf + 12, len - 12 };
  struct rec r;
  int k;
  while ((k = next_rec(&c, &r)) > 0) {
    if (parse_record(&r, p) < 0) { *why = "bad record"; goto fail; }
  }
  if (k < 0) { *why = "truncated record"; goto fail; }
  *why = "no command";
  if (p->n_argv == 0 || p->argv[0][0] == '\0') goto fail;
  *why = "cwd must be absolute";
  if (p->cwd && p->cwd[0] != '/') goto fail;
  *why = "rootfs must be absolute";
  if (p->rootfs && p->rootfs[0] != '/') goto fail;
  return 0;
fail:
  plan_free(p);
  return -1;
}

void plan_free(struct plan *p) {
  for (size_t i = 0; i < A.n; i++) free(A.ptrs[i]);
  free(A.ptrs);
  memset(&A, 0, sizeof A);
  memset(p, 0, sizeof *p);
}
