import { Api } from "telegram";
import { BinaryReader } from "telegram/extensions/BinaryReader.js";
import { computeCheck } from "telegram/Password.js";
import { describe, expect, it } from "vitest";
import { createPasswordRecord, passwordAnswer, startSrp, verifySrp } from "./srp.js";

/** What GramJS sends for `password`, given the account.password the peer answered. */
async function clientCheck(answer: Api.account.Password, password: string) {
  const check = await computeCheck(answer, password);
  if (!(check instanceof Api.InputCheckPasswordSRP)) throw new Error("expected an SRP check");
  return check;
}

/** Through the TL bytes, as the client sees it. */
function overTheWire(answer: Api.account.Password): Api.account.Password {
  const parsed: unknown = new BinaryReader(answer.getBytes()).tgReadObject();
  if (!(parsed instanceof Api.account.Password)) throw new Error("expected account.password");
  return parsed;
}

describe("SRP (server side) against GramJS's computeCheck", () => {
  it("accepts the right password and rejects a wrong one", async () => {
    const record = await createPasswordRecord("correct horse", "horse");
    const right = startSrp(record);
    const answer = overTheWire(passwordAnswer(record, right));
    expect(answer.hint).toBe("horse");
    const ok = await clientCheck(answer, "correct horse");
    expect(verifySrp(record, right, ok.A, ok.M1)).toBe(true);

    const wrong = startSrp(record);
    const bad = await clientCheck(overTheWire(passwordAnswer(record, wrong)), "battery staple");
    expect(verifySrp(record, wrong, bad.A, bad.M1)).toBe(false);
  });

  it("binds a check to its challenge and rejects degenerate A", async () => {
    const record = await createPasswordRecord("pw");
    const first = startSrp(record);
    const second = startSrp(record);
    const check = await clientCheck(passwordAnswer(record, first), "pw");
    expect(verifySrp(record, second, check.A, check.M1)).toBe(false);
    expect(verifySrp(record, first, Buffer.alloc(256), check.M1)).toBe(false);
  });
});
