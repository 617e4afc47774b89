/**
 * The certificate chain the peer presents in its server hello: root R (the peer's own, the
 * one a client must trust) signs the intermediate, the intermediate signs the leaf, and the
 * leaf names the peer's noise static key. Signatures are XEdDSA (`Curve.sign`), like WhatsApp's.
 */
import { Curve, proto } from "@whiskeysockets/baileys";
import type { KeyPair } from "./noise.js";

/**
 * How the presented chain is broken, for tests of the client-side check.
 * - `none`: a chain that verifies against the root.
 * - `leaf-signed-by-other-key`: the leaf's signature is by a key that is not the intermediate's.
 * - `intermediate-signed-by-other-root`: the intermediate is signed by a root nobody trusts.
 * - `leaf-names-other-key`: a correctly signed chain whose leaf is not the peer's static key,
 *   as when someone replays a genuine chain they captured.
 */
export type CertChainFlaw =
  | "none"
  | "leaf-signed-by-other-key"
  | "intermediate-signed-by-other-root"
  | "leaf-names-other-key";

/** Serials as WhatsApp uses them: the intermediate's issuer is the root, serial 0. */
export const ROOT_SERIAL = 0;
export const INTERMEDIATE_SERIAL = 1;
export const LEAF_SERIAL = 2;

/** Builds the encoded `proto.CertChain` for `serverStaticPublic`, signed from `root`. */
export function createCertChain(opts: {
  root: KeyPair;
  serverStaticPublic: Uint8Array;
  flaw?: CertChainFlaw;
}): Uint8Array {
  const flaw = opts.flaw ?? "none";
  const intermediateKey = Curve.generateKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const validity = { notBefore: now - 86_400, notAfter: now + 365 * 86_400 };

  const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: INTERMEDIATE_SERIAL,
    issuerSerial: ROOT_SERIAL,
    key: intermediateKey.public,
    ...validity,
  }).finish();
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: LEAF_SERIAL,
    issuerSerial: INTERMEDIATE_SERIAL,
    key: flaw === "leaf-names-other-key" ? Curve.generateKeyPair().public : opts.serverStaticPublic,
    ...validity,
  }).finish();

  const intermediateSigner =
    flaw === "intermediate-signed-by-other-root" ? Curve.generateKeyPair() : opts.root;
  const leafSigner = flaw === "leaf-signed-by-other-key" ? Curve.generateKeyPair() : intermediateKey;
  return proto.CertChain.encode({
    intermediate: {
      details: intermediateDetails,
      signature: Curve.sign(intermediateSigner.private, intermediateDetails),
    },
    leaf: { details: leafDetails, signature: Curve.sign(leafSigner.private, leafDetails) },
  }).finish();
}
