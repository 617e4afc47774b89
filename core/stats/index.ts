export { type SessionStats, type StatsDeps, sessionStats } from "./stats.js";
