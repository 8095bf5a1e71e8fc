/* In-place memory bandwidth: a large array of doubles scaled in place (each byte read once and
 * written once), by 1 or more threads, best of several passes. Prints bytes per second.
 * qml6g's benchmark compiles this with -O3 -march=native when a C compiler is present and uses it
 * as the floor that per-gate times are compared against. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct { double *a; size_t lo, hi; } part_t;

static void *scale(void *arg) {
  part_t *p = (part_t *)arg;
  for (size_t i = p->lo; i < p->hi; i++) p->a[i] *= 1.0000001;
  return NULL;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  size_t n = argc > 2 ? (size_t)atol(argv[2]) : ((size_t)1 << 25);
  int reps = 12;
  if (threads < 1 || threads > 64) threads = 1;
  double *a = malloc(n * sizeof(double));
  if (!a) return 1;
  for (size_t i = 0; i < n; i++) a[i] = 1.0;
  pthread_t tid[64];
  part_t parts[64];
  double best = 1e30;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    for (int k = 0; k < threads; k++) {
      parts[k].a = a;
      parts[k].lo = n * k / threads;
      parts[k].hi = n * (k + 1) / threads;
      pthread_create(&tid[k], NULL, scale, &parts[k]);
    }
    for (int k = 0; k < threads; k++) pthread_join(tid[k], NULL);
    double dt = now() - t0;
    if (dt < best) best = dt;
  }
  printf("%.6e\n", 2.0 * n * sizeof(double) / best);
  return a[n / 2] == 0.0;
}
