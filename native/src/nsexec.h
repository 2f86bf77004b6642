#ifndef MYDOCKER_NSEXEC_H
#define MYDOCKER_NSEXEC_H
#include "plan.h"
#include <sys/types.h>

/* rootfs.c: mounts, devices, pivot_root, masked and read-only paths (child, new mount ns). */
int setup_rootfs(const struct plan *p);
int finalize_rootfs(const struct plan *p);
/* process.c: everything between the rootfs and execve. */
int setup_process(const struct plan *p, int pty_sock);
int drop_privileges(const struct plan *p);
/* Finds the command before the container is reported ready (a missing one fails `create`, as in runc). */
int resolve_command(const struct plan *p);
void exec_command(const struct plan *p) __attribute__((noreturn));
/* hooks.c: the container's state JSON the caller sent with "go", and the hooks of one stage. */
extern const char *hook_state;
int run_hooks(const struct plan *p, uint64_t stage);
/* relay.c: the foreground parent: pty relay, signal forwarding, wait. Returns a wait status. */
/* Returns the child's wait status; with detach_keys typed, 0 and *detached = 1 (the child runs on). */
int wait_foreground(pid_t child, int master, int stdin_relay, int sigfd, const char *detach_keys, int *detached);
#endif
