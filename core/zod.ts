import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

/**
 * The `z` every core schema is built with. The HTTP routes reuse core schemas and attach
 * OpenAPI metadata with `.openapi()`; zod 4 binds methods when a schema is constructed, so the
 * extension must have run before any core schema exists — whatever the entry file imports
 * first (the connector, `npm start` and the Lambda all differ). Import `z` from here in core.
 */
extendZodWithOpenApi(z);

export { z };
