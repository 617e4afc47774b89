/** Placeholder until the DynamoDB Local + s3rver setup lands (issue 2). */
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
