// Child process for lambda-bundles.test.ts: imports a built bundle exactly as the Lambda
// runtime would (a fresh Node process, env from the function's configuration) and invokes
// its handler once per event given on stdin as a JSON array; prints the results as JSON.
const [bundle] = process.argv.slice(2);
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { handler } = await import(bundle);
const context = {
  awsRequestId: "test-request",
  functionName: "sessionvault-test",
  getRemainingTimeInMillis: () => 30_000,
};
const results = [];
for (const event of JSON.parse(input)) results.push(await handler(event, context));
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
