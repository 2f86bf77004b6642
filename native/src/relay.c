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

int wait_foreground(pid_t child, int master, int stdin_relay, int sigfd) {
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
    if (fds[2].revents && pump(STDIN_FILENO, master) == 0) in_open = 0;
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
