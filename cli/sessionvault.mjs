#!/usr/bin/env node
// The `sessionvault` bin: registers tsx (resolved next to this file, not the caller's cwd) and runs the CLI.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
