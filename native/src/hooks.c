/* OCI hooks the init runs itself, in the container's namespaces (createContainer before pivot_root,
 * startContainer after `start`). Each gets the container's state JSON on stdin, as the spec asks;
 * a hook that fails or outlives its timeout fails the container. */
#define _GNU_SOURCE
#include "msg.h"
#include "nsexec.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *hook_state = "";

static int run_hook(const struct plan_hook *h) {
  int in[2];
  if (pipe2(in, O_CLOEXEC) < 0) return fail("hook", errno, "pipe for hook %s", h->path);
  pid_t pid = fork();
  if (pid < 0) return fail("hook", errno, "fork hook %s", h->path);
  if (pid == 0) {
    dup2(in[0], 0);
    execve(h->path, h->argv, h->envp);
    _exit(127);
  }
  close(in[0]);
  signal(SIGPIPE, SIG_IGN); /* a hook need not read its stdin */
  if (write_all(in[1], hook_state, strlen(hook_state)) < 0 && errno != EPIPE) { /* reported by its exit */ }
  close(in[1]);
  int status = 0;
  for (long waited_ms = 0;; waited_ms += 5) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return fail("hook", errno, "wait for hook %s", h->path);
    if (h->timeout && waited_ms >= (long)h->timeout * 1000) {
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      return fail("hook", ETIMEDOUT, "hook %s timed out after %lu s", h->path, (unsigned long)h->timeout);
    }
    nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail("hook", 0, "hook %s failed (%s %d)", h->path, WIFEXITED(status) ? "exit status" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
  LOGF("hook", "\"path\":%s,\"stage\":%lu", msg_str(h->path), (unsigned long)h->stage);
  return 0;
}

int run_hooks(const struct plan *p, uint64_t stage) {
  for (size_t i = 0; i < p->n_hooks; i++)
    if (p->hooks[i].stage == stage && run_hook(&p->hooks[i]) < 0) return -1;
  return 0;
}
