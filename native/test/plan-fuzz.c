/* Fuzz harness: reads inputs framed as u32le length + bytes from stdin and parses each.
 * Prints one line per input ("ok N" or "err <why>"). It never executes anything; a crash or a
 * sanitizer report fails the test (test/integration/plan-fuzz.test.ts). */
#include "../src/plan.h"
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  unsigned char len[4];
  while (fread(len, 1, 4, stdin) == 4) {
    size_t n = len[0] | len[1] << 8 | len[2] << 16 | (size_t)len[3] << 24;
    if (n > PLAN_MAX_BYTES + 64) return 2;
    unsigned char *buf = malloc(n ? n : 1);
    if (fread(buf, 1, n, stdin) != n) { free(buf); return 2; }
    struct plan p;
    const char *why;
    if (plan_parse(buf, n, &p, &why) == 0) {
      size_t total = p.n_argv + p.n_envp + p.n_mounts + p.n_devices; /* touch what was parsed */
      for (size_t i = 0; i < p.n_argv; i++) total += p.argv[i][0] != 0;
      printf("ok %zu\n", total);
      plan_free(&p);
    } else {
      printf("err %s\n", why);
    }
    free(buf);
  }
  return 0;
}
