export { type Connector, type ConnectorDeps, type ConnectorOptions, createConnector } from "./connector.js";
export { type RunningConnector, type StartConnectorDeps, startConnector } from "./start.js";
export type {
  Logger,
  OnEvent,
  Runner,
  SessionEvent,
  SessionEventType,
  StartRunner,
  StopReason,
} from "./types.js";
export {
  DEFAULT_POLICY,
  type DisconnectAction,
  decideDisconnect,
  describeDisconnect,
  type PolicyOptions,
} from "./whatsapp/disconnect-policy.js";
export { type SessionRunnerDeps, startSessionRunner } from "./whatsapp/session-runner.js";
export type { CreateSocket, SocketConfig, SocketLike } from "./whatsapp/socket.js";
