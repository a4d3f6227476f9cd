/**
 * Timeouts in tests are bounds that keep a broken test from hanging, never speed targets. The
 * cgroup v2 VM (.ci/cgroup-v2-vm) emulates its CPU and is many times slower than any real host,
 * so it sets CODEX_TEST_TIME_SCALE and every bound there grows by that factor.
 */
const TIME_SCALE = Math.max(1, Number(process.env.CODEX_TEST_TIME_SCALE ?? "1") || 1);

export function scaled(ms: number): number {
  return Math.round(ms * TIME_SCALE);
}
