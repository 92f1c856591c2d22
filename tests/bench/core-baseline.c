/* The C baseline of the core benchmark: the same two measurements as the WASM
 * core, compiled with gcc -O2 at bench time: a next-set-bit scan over an all-zero 64 MiB
 * bitmap (the plain word loop a C programmer writes) and memcpy of 64 MiB in 4 KiB blocks.
 * Prints one JSON object: best-of-REPS throughputs in GB/s (1e9 bytes per second). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BYTES (64u << 20)
#define BLOCK 4096u
#define REPS 15

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* First set bit in [0, nbits) of a 64-bit word array, or -1. noinline: measured as a call. */
__attribute__((noinline)) static long next_set(const uint64_t *w, size_t nwords) {
  for (size_t i = 0; i < nwords; i++)
    if (w[i]) return (long)(i * 64 + __builtin_ctzll(w[i]));
  return -1;
}

int main(void) {
  uint64_t *bits = aligned_alloc(64, BYTES);
  uint8_t *src = aligned_alloc(64, BYTES), *dst = aligned_alloc(64, BYTES);
  if (!bits || !src || !dst) return 1;
  memset(bits, 0, BYTES);
  memset(src, 0x5a, BYTES);
  memset(dst, 0, BYTES);
  double scan = 0, copy = 0;
  long sink = 0;
  for (int r = 0; r < REPS; r++) {
    double t0 = now();
    sink += next_set(bits, BYTES / 8);
    double t1 = now();
    if (BYTES / (t1 - t0) > scan) scan = BYTES / (t1 - t0);
  }
  for (int r = 0; r < REPS; r++) {
    double t0 = now();
    for (size_t off = 0; off < BYTES; off += BLOCK) memcpy(dst + off, src + off, BLOCK);
    double t1 = now();
    if (BYTES / (t1 - t0) > copy) copy = BYTES / (t1 - t0);
    sink += dst[r * 4096];
  }
  printf("{\"scanGBps\":%.3f,\"memcpyGBps\":%.3f,\"sink\":%ld}\n", scan / 1e9, copy / 1e9, sink);
  return 0;
}
