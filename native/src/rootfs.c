/* The container's filesystem view: every path inside the rootfs is resolved with
 * openat2(RESOLVE_IN_ROOT), so a symlink in the image can never send a mount outside it. */
#define _GNU_SOURCE
#include "msg.h"
#include "nsexec.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int open_in_root(int rootfd, const char *path) {
  struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/* Opens path inside the root, creating missing directories (and the last one as a file if mkfile). */
static int mkpath_in_root(int rootfd, char *path, int mkfile) {
  int fd = open_in_root(rootfd, path);
  if (fd >= 0 || errno != ENOENT) return fd;
  char *slash = strrchr(path, '/');
  if (!slash || slash[1] == '\0') return -1;
  *slash = '\0';
  int parent = slash == path ? open_in_root(rootfd, "/") : mkpath_in_root(rootfd, path, 0);
  *slash = '/';
  if (parent < 0) return -1;
  const char *name = slash + 1;
  int rc = mkfile ? openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644)
                  : mkdirat(parent, name, 0755);
  int saved = errno;
  if (mkfile && rc >= 0) close(rc);
  close(parent);
  if (rc < 0 && saved != EEXIST) { errno = saved; return -1; }
  return open_in_root(rootfd, path);
}

static void fdpath(char *buf, size_t n, int fd) { snprintf(buf, n, "/proc/self/fd/%d", fd); }

static int mount_one(int rootfd, const struct plan_mount *m) {
  char dst[4096], target[64];
  snprintf(dst, sizeof dst, "%s", m->dst);
  int fd = mkpath_in_root(rootfd, dst, m->mkfile);
  if (fd < 0) return fail("mount", errno, "create mount point %s", m->dst);
  fdpath(target, sizeof target, fd);
  unsigned long flags = (unsigned long)m->flags;
  int rc;
  if (m->bind) {
    rc = mount(m->src, target, NULL, MS_BIND | (flags & MS_REC), NULL);
    unsigned long extra = flags & ~(MS_BIND | MS_REC);
    if (rc == 0 && extra) {
      /* Bind mounts ignore flags on creation: apply them with a remount of the new mount. */
      int top = open_in_root(rootfd, m->dst);
      char t2[64];
      fdpath(t2, sizeof t2, top);
      rc = top < 0 ? -1 : mount(NULL, t2, NULL, MS_BIND | MS_REMOUNT | extra, NULL);
      if (top >= 0) close(top);
    }
  } else {
    rc = mount(m->src, target, m->fstype, flags, m->data);
  }
  if (rc < 0) {
    int e = errno;
    close(fd);
    return fail("mount", e, "mount %s on %s (%s)", m->src ? m->src : "none", m->dst, m->bind ? "bind" : m->fstype);
  }
  LOGF("mount", "\"src\":%s,\"dst\":%s,\"fstype\":%s,\"flags\":%lu,\"data\":%s", msg_str(m->src),
       msg_str(m->dst), msg_str(m->bind ? "bind" : m->fstype), flags, msg_str(m->data));
  close(fd);
  if (m->propagation) {
    int top = open_in_root(rootfd, m->dst);
    fdpath(target, sizeof target, top);
    if (top < 0 || mount(NULL, target, NULL, (unsigned long)m->propagation, NULL) < 0)
      return fail("mount", errno, "set propagation of %s", m->dst);
    close(top);
  }
  return 0;
}

static int make_device(int rootfd, const struct plan_device *d) {
  char path[4096], target[64];
  snprintf(path, sizeof path, "%s", d->path);
  char *slash = strrchr(path, '/');
  *slash = '\0';
  int parent = mkpath_in_root(rootfd, slash == path ? "/" : path, 0);
  *slash = '/';
  if (parent < 0) return fail("devices", errno, "create parent of %s", d->path);
  mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
  int rc = mknodat(parent, slash + 1, type | (d->mode & 07777), makedev(d->major, d->minor));
  if (rc < 0 && errno == EPERM) {
    /* No mknod (user namespace): bind the host's node instead, as runc does. */
    int f = openat(parent, slash + 1, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (f >= 0) close(f);
    int at = open_in_root(rootfd, d->path);
    fdpath(target, sizeof target, at);
    rc = at < 0 ? -1 : mount(d->path, target, NULL, MS_BIND, NULL);
    if (at >= 0) close(at);
  } else if (rc == 0 && fchownat(parent, slash + 1, (uid_t)d->uid, (gid_t)d->gid, AT_SYMLINK_NOFOLLOW) < 0) {
    rc = -1;
  } else if (rc < 0 && errno == EEXIST) {
    rc = 0;
  }
  int e = errno;
  close(parent);
  if (rc < 0) return fail("devices", e, "create device %s", d->path);
  LOGF("mknod", "\"path\":%s,\"devtype\":\"%c\",\"major\":%lu,\"minor\":%lu", msg_str(d->path), (char)d->type,
       (unsigned long)d->major, (unsigned long)d->minor);
  return 0;
}

static int make_symlink(int rootfd, const struct plan_kv *l) {
  char path[4096];
  snprintf(path, sizeof path, "%s", l->key);
  char *slash = strrchr(path, '/');
  if (!slash) return fail("symlink", EINVAL, "relative link %s", l->key);
  *slash = '\0';
  int parent = mkpath_in_root(rootfd, slash == path ? "/" : path, 0);
  if (parent < 0) return fail("symlink", errno, "create parent of %s", l->key);
  int rc = symlinkat(l->value, parent, slash + 1);
  int e = errno;
  close(parent);
  if (rc < 0 && e != EEXIST) return fail("symlink", e, "symlink %s -> %s", l->key, l->value);
  return 0;
}

static int pivot(const char *rootfs) {
  int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0 || newroot < 0 || fchdir(newroot) < 0) return fail("pivot_root", errno, "open %s", rootfs);
  /* pivot_root(".", ".") stacks the old root on top of the new one; we then detach it. */
  if (syscall(SYS_pivot_root, ".", ".") < 0) return fail("pivot_root", errno, "pivot_root into %s", rootfs);
  if (fchdir(oldroot) < 0) return fail("pivot_root", errno, "enter old root");
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) return fail("pivot_root", errno, "make old root slave");
  if (umount2(".", MNT_DETACH) < 0) return fail("pivot_root", errno, "detach old root");
  if (chdir("/") < 0) return fail("pivot_root", errno, "chdir /");
  close(oldroot);
  close(newroot);
  LOGF("pivot_root", "\"rootfs\":%s", msg_str(rootfs));
  return 0;
}

/* --no-pivot: for a rootfs pivot_root cannot leave (ramfs); the old root stays reachable to root. */
static int move_root(const char *rootfs) {
  if (chdir(rootfs) < 0 || mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
    return fail("pivot_root", errno, "move %s to / and chroot", rootfs);
  LOGF("pivot_root", "\"rootfs\":%s,\"moved\":true", msg_str(rootfs));
  return 0;
}

/* Flags a remount must keep or the kernel refuses it (locked mount flags). */
static unsigned long kept_flags(const char *path) {
  struct statvfs s;
  unsigned long f = 0;
  if (statvfs(path, &s) < 0) return 0;
  if (s.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (s.f_flag & ST_NODEV) f |= MS_NODEV;
  if (s.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  return f;
}

static int mask_path(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) return errno == ENOENT ? 0 : fail("mask", errno, "stat %s", path);
  int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0k")
                               : mount("/dev/null", path, NULL, MS_BIND, NULL);
  if (rc < 0) return fail("mask", errno, "mask %s", path);
  LOGF("mask", "\"path\":%s", msg_str(path));
  return 0;
}

static int readonly_path(const char *path) {
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return errno == ENOENT ? 0 : fail("readonly", errno, "bind %s", path);
  if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags(path), NULL) < 0)
    return fail("readonly", errno, "remount %s read-only", path);
  LOGF("readonly", "\"path\":%s", msg_str(path));
  return 0;
}

int setup_rootfs(const struct plan *p) {
  unsigned long prop = p->root_propagation ? (unsigned long)p->root_propagation : MS_REC | MS_PRIVATE;
  /* Before anything is mounted: nothing we mount may propagate back to the host. */
  if (mount(NULL, "/", NULL, prop, NULL) < 0) return fail("rootfs", errno, "make / private");
  LOGF("propagation", "\"path\":\"/\",\"flags\":%lu", prop);
  if (mount(p->rootfs, p->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return fail("rootfs", errno, "bind rootfs %s", p->rootfs);
  int rootfd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return fail("rootfs", errno, "open rootfs %s", p->rootfs);
  for (size_t i = 0; i < p->n_mounts; i++)
    if (mount_one(rootfd, &p->mounts[i]) < 0) return -1;
  for (size_t i = 0; i < p->n_devices; i++)
    if (make_device(rootfd, &p->devices[i]) < 0) return -1;
  for (size_t i = 0; i < p->n_symlinks; i++)
    if (make_symlink(rootfd, &p->symlinks[i]) < 0) return -1;
  close(rootfd);
  if (run_hooks(p, HOOK_CREATE_CONTAINER) < 0) return -1;
  return p->no_pivot ? move_root(p->rootfs) : pivot(p->rootfs);
}

/* After the sysctls are written (they need /proc/sys writable): masked and read-only paths. */
int finalize_rootfs(const struct plan *p) {
  for (size_t i = 0; i < p->n_masked; i++)
    if (mask_path(p->masked[i]) < 0) return -1;
  for (size_t i = 0; i < p->n_readonly_paths; i++)
    if (readonly_path(p->readonly_paths[i]) < 0) return -1;
  if (p->root_readonly) {
    if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags("/"), NULL) < 0)
      return fail("rootfs", errno, "remount / read-only");
    LOGF("readonly", "\"path\":\"/\"");
  }
  return 0;
}
