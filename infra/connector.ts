import { connectorSecretParameters } from "./secrets";
import { bucket, table } from "./storage";

/** Port of the connector's HTTP server (only `/healthz`; nothing outside the task calls it). */
export const connectorPort = 8081;
/** Sessions one task leases at most (CONNECTOR_CAPACITY). Override at deploy time. */
export const connectorCapacity = Number(process.env.SESSIONVAULT_CONNECTOR_CAPACITY ?? 50);
/** Tasks to run: ceil(expected connected sessions / capacity). Override at deploy time. */
export const connectorTasks = Number(process.env.SESSIONVAULT_CONNECTOR_TASKS ?? 1);

// No NAT: in an SST Vpc, Services are placed in the public subnets with a public IP
// (sst@4.17.1 service.ts: `assignPublicIp: vpc.isSstVpc`, `containerSubnets: vpc.publicSubnets`),
// which is all the connector needs for its outbound WhatsApp/Telegram sockets. The VPC security
// group admits inbound traffic only from inside the VPC, and there is no load balancer.
export const vpc = new sst.aws.Vpc("SessionvaultVpc");

export const cluster = new sst.aws.Cluster("SessionvaultCluster", { vpc });

export const service = new sst.aws.Service("SessionvaultConnector", {
  cluster,
  architecture: "arm64",
  cpu: "0.25 vCPU",
  memory: "0.5 GB",
  image: { context: ".", dockerfile: "connector/Dockerfile" },
  link: [table, bucket],
  environment: {
    SESSIONVAULT_STORAGE: "aws",
    SESSIONVAULT_TABLE: table.name,
    SESSIONVAULT_BUCKET: bucket.name,
    CONNECTOR_PORT: String(connectorPort),
    CONNECTOR_CAPACITY: String(connectorCapacity),
  },
  // Injected by ECS from SSM SecureString parameters; never plaintext in the task definition.
  ssm: Object.fromEntries(
    Object.entries(connectorSecretParameters).map(([envName, parameter]) => [envName, parameter.arn]),
  ),
  // Exec form, no shell or curl needed in the image: node's fetch against /healthz.
  health: {
    command: [
      "CMD",
      "node",
      "-e",
      "fetch('http://127.0.0.1:'+(process.env.CONNECTOR_PORT||'8081')+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
    ],
    startPeriod: "60 seconds",
    interval: "30 seconds",
    timeout: "5 seconds",
    retries: 3,
  },
  // A fixed task count: scaling on CPU/memory would churn leases for no gain.
  scaling: {
    min: connectorTasks,
    max: connectorTasks,
    cpuUtilization: false,
    memoryUtilization: false,
  },
  transform: {
    service: (args) => {
      // Never two owners at once: stop every old task before a new one starts and takes
      // its leases (brief downtime on deploy; sessions resume from the vault).
      args.deploymentMinimumHealthyPercent = 0;
      args.deploymentMaximumPercent = 100;
    },
  },
});
