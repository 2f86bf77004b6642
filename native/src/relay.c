/* The foreground parent (`mydocker run` without -d): copies between the caller's terminal and
 * the container's pty, keeps the window size in step, forwards signals, and reaps the child. */
#define _GNU_SOURCE
#include "msg.h"
#include "nsexec.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void copy_winsize(int master) {
  struct winsize ws;
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
    ioctl(master, TIOCSWINSZ, &ws);
}

/* Returns bytes copied, 0 at end of input, -1 when nothing is ready. */
static ssize_t pump(int from, int to) {
  char buf[16384];
  ssize_t n = read(from, buf, sizeof buf);
  if (n < 0) return errno == EAGAIN || errno == EINTR ? -1 : 0; /* EIO: the pty slave is gone */
  if (n > 0 && write_all(to, buf, (size_t)n) < 0) return 0;
  return n;
}

/* The detach keys (docker's escape proxy): a typed prefix of the sequence is held back; the whole
 * sequence detaches, anything else sends the held bytes on. Returns 1 on a detach (what followed the
 * sequence in this read is dropped), 0 at end of input, -1 when nothing was ready. */
static int held;
static ssize_t pump_keys(int from, int to, const char *keys, int *detach) {
  char buf[16384], out[16384 + 64];
  ssize_t n = read(from, buf, sizeof buf);
  if (n < 0) return errno == EAGAIN || errno == EINTR ? -1 : 0;
  size_t o = 0, klen = strlen(keys);
  for (ssize_t i = 0; i < n; i++) {
    if (buf[i] == keys[held]) {
      if ((size_t)++held == klen) { *detach = 1; break; }
      continue;
    }
    memcpy(out + o, keys, (size_t)held), o += (size_t)held;
    held = 0;
    if (buf[i] == keys[0]) held = 1;
    else out[o++] = buf[i];
  }
  if (o && write_all(to, out, o) < 0) return 0;
  return n;
}

/* After a detach the process runs on with its terminal: a keeper in a session of its own holds the
 * pty master (closing it would hang the terminal up) and drains the output until the process is gone. */
static void keep_terminal(int master) {
  pid_t k = fork();
  if (k != 0) return;
  setsid();
  int null = open("/dev/null", O_RDWR);
  dup2(null, 0), dup2(null, 1), dup2(null, 2);
  for (int fd = 3; fd < 1024; fd++) if (fd != master) close(fd);
  char buf[16384];
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n > 0 || (n < 0 && errno == EINTR)) continue;
    _exit(0); /* EIO: every slave fd closed, the process and its children are gone */
  }
}

int wait_foreground(pid_t child, int master, int stdin_relay, int sigfd, const char *detach_keys, int *detached) {
  struct termios saved;
  int raw = 0, status = 0, exited = 0;
  int in_open = master >= 0 && stdin_relay, out_open = master >= 0;
  if (master >= 0) {
    if (in_open && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
      struct termios t = saved;
      cfmakeraw(&t);
      raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
    }
    copy_winsize(master);
  }
  while (!exited) {
    struct pollfd fds[3] = { { sigfd, POLLIN, 0 }, { out_open ? master : -1, POLLIN, 0 },
                             { in_open ? STDIN_FILENO : -1, POLLIN, 0 } };
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents && pump(master, STDOUT_FILENO) == 0) out_open = 0;
    if (fds[2].revents && detach_keys && *detach_keys) {
      int detach = 0;
      if (pump_keys(STDIN_FILENO, master, detach_keys, &detach) == 0) in_open = 0;
      if (detach) {
        keep_terminal(master);
        if (raw) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        *detached = 1;
        return 0;
      }
    } else if (fds[2].revents && pump(STDIN_FILENO, master) == 0) in_open = 0;
    if (fds[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sigfd, &si, sizeof si) != sizeof si) continue;
      if (si.ssi_signo == SIGCHLD) {
        pid_t r;
        while ((r = waitpid(-1, &status, WNOHANG)) > 0 && r != child) {}
        if (r == child) exited = 1;
      } else if (si.ssi_signo == SIGWINCH) {
        if (master >= 0) copy_winsize(master);
      } else {
        kill(child, (int)si.ssi_signo);
      }
    }
  }
  if (out_open) { /* the child is gone: drain what it wrote last */
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    while (pump(master, STDOUT_FILENO) > 0) {}
  }
  if (raw) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  return status;
}
