// Secrets are set per stage with `npx sst secret set <Name> <value> --stage <stage>`.
export const masterKey = new sst.Secret("MasterKey");
export const adminKey = new sst.Secret("AdminKey");
export const telegramApiId = new sst.Secret("TelegramApiId");
export const telegramApiHash = new sst.Secret("TelegramApiHash");

/** Linked into the Lambda functions (delivered through SST's encrypted resource bundle). */
export const functionSecrets = [masterKey, adminKey, telegramApiId, telegramApiHash];

// The connector is a container: a linked secret would reach it as a plaintext environment
// variable in the task definition. Instead each secret it needs is mirrored into an SSM
// SecureString parameter (standard tier, aws/ssm key: free) and injected by ECS at task
// start through `ssm` (task definition `secrets`), so the value never appears in the task definition.
function secureParameter(secret: sst.Secret, key: string) {
  return new aws.ssm.Parameter(`${key}Parameter`, {
    name: `/${$app.name}/${$app.stage}/${key}`,
    type: "SecureString",
    value: secret.value,
  });
}

export const connectorSecretParameters = {
  SESSIONVAULT_MASTER_KEY: secureParameter(masterKey, "MasterKey"),
  TELEGRAM_API_ID: secureParameter(telegramApiId, "TelegramApiId"),
  TELEGRAM_API_HASH: secureParameter(telegramApiHash, "TelegramApiHash"),
};
