// How a benchmark was asked to run, read once at start. Smoke mode (BENCH_SMOKE=1 or
// --smoke) runs it for seconds at tiny sizes: it proves the benchmark works and prints every
// figure, and its numbers mean nothing.
export const SMOKE = process.env.BENCH_SMOKE === '1' || process.argv.includes('--smoke');
