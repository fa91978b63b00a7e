export { latencyJob } from './latency-job.js';
