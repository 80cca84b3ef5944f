// The issuer host simulator's public surface.

export { type HostConfig, HostConfigError, loadHostConfig, parseHostConfig } from "./config.js";
export { defaultHostConfig, defaultIssuerHost } from "./default.js";
export { issuerHostFromConfig, SimulatedIssuerHost } from "./issuer-host.js";
