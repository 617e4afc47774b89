// Child process for local-crash.test.ts: writes records in a loop and prints one line per
// write that has returned. The parent SIGKILLs it at a random moment.
import { randomBytes } from "node:crypto";
import { createLocalStorage } from "../../core/storage/local.js";

const dataDir = process.argv[2]!;
const { records } = createLocalStorage({ dataDir });
const pk = "t#crash";
let i = 0;
for (;;) {
  const sk = `r#${i % 40}`;
  const payload = randomBytes(64 + (i % 7) * 300).toString("hex");
  const current = await records.get({ pk, sk });
  const row = current
    ? await records.update({ pk, sk }, { set: { i, payload } }, { version: current.version })
    : await records.create({ pk, sk, attrs: { i, payload } });
  process.stdout.write(`ack ${sk} ${row.version} ${i}\n`);
  i++;
}
