import type { TestProject } from "vitest/node";
import { startLocalAws } from "../helpers/local-aws.js";

/**
 * Starts DynamoDB Local and s3rver once for the whole run, on free ports, and hands their
 * endpoints to the tests (`inject("localAws")`) and to child processes (env).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const aws = await startLocalAws();
  project.provide("localAws", aws.endpoints);
  process.env.SV_TEST_DYNAMO_ENDPOINT = aws.endpoints.dynamoEndpoint;
  process.env.SV_TEST_S3_ENDPOINT = aws.endpoints.s3Endpoint;
  return () => aws.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    localAws: { dynamoEndpoint: string; s3Endpoint: string };
  }
}
