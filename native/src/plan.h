/* InitPlan: what nsexec must do, decided entirely by TypeScript (src/runtime/specconv.ts).
 * Wire format (docs/init-plan.md): "MDPLAN01" + u32le body length + records.
 * A record is u16le tag, u32le length, value. Integers are u64le (length 8); strings are raw
 * bytes without NUL; nested records (mounts, devices, ...) hold records of their own. */
#ifndef MYDOCKER_PLAN_H
#define MYDOCKER_PLAN_H
#include <stddef.h>
#include <stdint.h>

#define PLAN_MAGIC "MDPLAN01"
#define PLAN_MAX_BYTES (4u << 20)

enum plan_tag {
  T_NS_CREATE = 1, T_NS_JOIN, T_CGROUPNS_LATE, T_ROOTFS, T_ROOT_PROPAGATION, T_ROOT_READONLY,
  T_MOUNT, T_DEVICE, T_SYMLINK, T_MASK, T_READONLY_PATH, T_HOSTNAME, T_DOMAINNAME, T_SYSCTL,
  T_RLIMIT, T_CAPS, T_UID, T_GID, T_ADDITIONAL_GID, T_UMASK, T_NO_NEW_PRIVS, T_OOM_SCORE_ADJ,
  T_CWD, T_ARG, T_ENV, T_TERMINAL, T_CONSOLE_SOCKET, T_EXEC_FIFO, T_DETACH, T_LOOPBACK_UP,
  T_LOG, T_STDIN_RELAY, T_KEEP_FD, T_SECCOMP, T_CONSOLE_SIZE, T_CGROUP_JOIN, T_CGROUP2_DIR, T_UID_MAP,
  T_GID_MAP, T_SESSION_KEYRING, T_SECCOMP_FLAGS, T_HOOK, T_NO_PIVOT, T_DETACH_KEYS, T_TAG_MAX
};
/* Sub-tags inside nested records. */
enum { S_SRC = 1, S_DST, S_FSTYPE, S_DATA, S_FLAGS, S_PROPAGATION, S_BIND, S_MKFILE };
enum { S_DEV_PATH = 1, S_DEV_TYPE, S_DEV_MAJOR, S_DEV_MINOR, S_DEV_MODE, S_DEV_UID, S_DEV_GID };
enum { S_NS_TYPE = 1, S_NS_PATH };
enum { S_KEY = 1, S_VALUE };
enum { S_RL_RESOURCE = 1, S_RL_SOFT, S_RL_HARD };
enum { S_CAP_BOUNDING = 1, S_CAP_EFFECTIVE, S_CAP_PERMITTED, S_CAP_INHERITABLE, S_CAP_AMBIENT };
enum { S_HOOK_STAGE = 1, S_HOOK_PATH, S_HOOK_ARG, S_HOOK_ENV, S_HOOK_TIMEOUT };
/* OCI hooks the init itself runs, in the container's namespaces: before pivot_root, and after `start`. */
enum { HOOK_CREATE_CONTAINER = 1, HOOK_START_CONTAINER = 2 };

struct plan_mount {
  char *src, *dst, *fstype, *data;
  uint64_t flags, propagation;
  int bind, mkfile; /* mkfile: destination is a file (bind of a file source) */
};
struct plan_device { char *path; uint64_t type, major, minor, mode, uid, gid; };
struct plan_ns { uint64_t type; char *path; };
struct plan_kv { char *key, *value; };
struct plan_rlimit { uint64_t resource, soft, hard; };
struct plan_hook {
  uint64_t stage, timeout;      /* timeout in seconds, 0: none */
  char *path;
  char **argv; size_t n_argv;  /* NULL-terminated */
  char **envp; size_t n_envp;  /* NULL-terminated */
};

struct plan {
  uint64_t ns_create;           /* CLONE_NEW* flags for namespaces created at clone */
  struct plan_ns *ns_join; size_t n_ns_join;
  int cgroupns_late;            /* unshare(CLONE_NEWCGROUP) after the parent placed us in the cgroup */
  char *rootfs;                 /* absent: no mount set-up (exec into an existing container) */
  uint64_t root_propagation;
  int root_readonly;
  struct plan_mount *mounts; size_t n_mounts;
  struct plan_device *devices; size_t n_devices;
  struct plan_kv *symlinks; size_t n_symlinks; /* key = link path, value = target */
  char **masked; size_t n_masked;
  char **readonly_paths; size_t n_readonly_paths;
  char *hostname, *domainname;
  struct plan_kv *sysctls; size_t n_sysctls;
  struct plan_rlimit *rlimits; size_t n_rlimits;
  int has_caps;
  uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
  uint64_t uid, gid;
  uint64_t *additional_gids; size_t n_additional_gids;
  int has_umask; uint64_t umask;
  int no_new_privs;
  char *oom_score_adj;
  char *cwd;
  char **argv; size_t n_argv;  /* NULL-terminated */
  char **envp; size_t n_envp;  /* NULL-terminated */
  int terminal, stdin_relay, detach, loopback_up, log;
  uint64_t console_rows, console_cols;
  char *console_socket, *exec_fifo;
  char *detach_keys; /* exec -it --detach-keys: the relay detaches on this byte sequence */
  uint64_t *keep_fds; size_t n_keep_fds;
  /* v1 "tasks" files the init writes "0" into: a task moving itself skips the global lock that
   * makes writing a pid to cgroup.procs wait for an RCU grace period (~10 ms). */
  char **cgroup_join; size_t n_cgroup_join;
  char *cgroup2_dir;            /* cgroup2 directory: clone3(CLONE_INTO_CGROUP), no migration at all */
  unsigned char *seccomp; size_t seccomp_len; /* struct sock_filter[] */
  uint64_t seccomp_flags;       /* SECCOMP_FILTER_FLAG_* for seccomp(SECCOMP_SET_MODE_FILTER) */
  /* /proc/PID/uid_map and gid_map contents stage-0 writes for a new user namespace */
  char *uid_map, *gid_map;
  char *session_keyring;        /* name of the fresh session keyring the process joins */
  struct plan_hook *hooks; size_t n_hooks;
  int no_pivot;                 /* MS_MOVE + chroot instead of pivot_root (a rootfs on ramfs) */
};

/* Longest path the plan may carry: C copies paths into PATH_MAX buffers and refuses, never cuts. */
#define PLAN_PATH_MAX 4095

/* Parses buf into p. Returns 0, or -1 with a static reason in *why. Never reads outside buf.
 * All memory comes from one arena owned by the plan (plan_free releases it). */
int plan_parse(const unsigned char *buf, size_t len, struct plan *p, const char **why);
void plan_free(struct plan *p);

#endif
