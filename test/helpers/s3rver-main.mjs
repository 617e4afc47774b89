// Runs s3rver in its own Node process. s3rver encrypts ListObjectsV2 continuation tokens
// with DES, which OpenSSL 3 only offers through the legacy provider, so the parent starts
// this file with `--openssl-legacy-provider` rather than weakening the test process itself.
import S3rver from "s3rver";

const [port, directory] = process.argv.slice(2);
const server = new S3rver({ port: Number(port), address: "127.0.0.1", silent: true, directory });
await server.run();
process.stdout.write("ready\n");
process.on("SIGTERM", async () => {
  await server.close();
  process.exit(0);
});
