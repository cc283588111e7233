/**
 * Fake credentials in the common formats, built at runtime from a seeded generator so that this
 * file itself holds no string a scanner (ours, or GitHub push protection) would flag. Each entry
 * is a line as someone would paste it into a runbook. Used by test/secrets.test.ts and by the
 * ruleset comparison in docs/decisions.md ("Secrets: ruleset").
 */

/** Deterministic pseudo-random text: same seed, same values, every run. */
function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s;
  };
  return (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[next() % alphabet.length]).join('');
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '-_';

/** Joins pieces so no literal prefix appears whole in the source. */
const j = (...parts: string[]) => parts.join('');

export interface Credential {
  /** What it is, as the test names it. */
  name: string;
  /** The line(s) as pasted into a page. */
  text: string;
}

export function credentials(seed = 12): Credential[] {
  const r = generator(seed);
  const b64 = (n: number) => r(B64, n);
  const jwtPart = (json: string) => Buffer.from(json).toString('base64url');
  const jwt = `${jwtPart('{"alg":"HS256","typ":"JWT"}')}.${jwtPart(`{"sub":"${r(DIGITS, 10)}","name":"svc-deploy","iat":1716239022}`)}.${r(B64URL, 43)}`;
  // Key bodies start as real ones do: DER's SEQUENCE ("MII...") or OpenSSH's magic ("b3BlbnNzaC1rZXktdjE").
  const pem = (kind: string, magic = 'MIIEow') =>
    [`-----${j('BEGIN ', kind)} KEY-----`, magic + b64(64 - magic.length), ...Array.from({ length: 5 }, () => b64(64)), `${b64(40)}==`, `-----END ${kind} KEY-----`].join('\n');
  return [
    { name: 'AWS access key id', text: `export AWS_ACCESS_KEY_ID=${j('AK', 'IA')}${r(UPPER + '234567', 16)}` },
    { name: 'AWS secret access key', text: `aws_secret_access_key = ${r(ALNUM + '/+', 40)}` },
    { name: 'AWS session key id (ASIA)', text: `AccessKeyId: ${j('AS', 'IA')}${r(UPPER + '234567', 16)}` },
    { name: 'GitHub personal access token (classic)', text: `git clone https://${j('gh', 'p_')}${r(ALNUM, 36)}@github.com/acme/infra.git` },
    { name: 'GitHub fine-grained token', text: `GITHUB_TOKEN=${j('github', '_pat_')}${r(ALNUM, 22)}_${r(ALNUM, 59)}` },
    { name: 'GitHub OAuth token', text: `token: ${j('gh', 'o_')}${r(ALNUM, 36)}` },
    { name: 'GitLab personal access token', text: `curl --header "PRIVATE-TOKEN: ${j('gl', 'pat-')}${r(ALNUM + '-_', 20)}" https://gitlab.example.org/api/v4/projects` },
    { name: 'npm access token', text: `//registry.npmjs.org/:_authToken=${j('np', 'm_')}${r(ALNUM, 36)}` },
    { name: 'Slack bot token', text: `SLACK_BOT_TOKEN=${j('xo', 'xb-')}${r(DIGITS, 12)}-${r(DIGITS, 13)}-${r(ALNUM, 24)}` },
    { name: 'Slack webhook URL', text: `${j('https://hooks.', 'slack.com/services/')}T${r(UPPER + DIGITS, 10)}/B${r(UPPER + DIGITS, 10)}/${r(ALNUM, 24)}` },
    { name: 'Stripe live secret key', text: `STRIPE_SECRET_KEY=${j('sk', '_live_')}${r(ALNUM, 99)}` },
    { name: 'Stripe restricted live key', text: `stripe_key: ${j('rk', '_live_')}${r(ALNUM, 99)}` },
    { name: 'Google API key', text: `https://maps.googleapis.com/maps/api/geocode/json?key=${j('AI', 'za')}Sy${r(ALNUM + '-_', 33)}` },
    {
      name: 'GCP service account key (JSON)',
      text: `{"type": "service_account", "project_id": "acme-prod", "private_key_id": "${r(HEX, 40)}", "private_key": "${pem('PRIVATE').replace(/\n/g, '\\n')}\\n"}`,
    },
    {
      name: 'Azure storage account key',
      text: `DefaultEndpointsProtocol=https;AccountName=acmeprodlogs;${j('Account', 'Key=')}${b64(86)}==;EndpointSuffix=core.windows.net`,
    },
    {
      name: 'Azure SAS signature',
      text: `https://acmeprodlogs.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2027-01-01T00:00:00Z&st=2026-01-01T00:00:00Z&spr=https&${j('si', 'g=')}${r(ALNUM, 43)}%3D`,
    },
    { name: 'Azure AD client secret', text: `AZURE_CLIENT_SECRET=${r(ALNUM, 3)}8${j('Q', '~')}${r(ALNUM + '_-', 31)}` },
    { name: 'JWT bearer token', text: `curl -H "Authorization: Bearer ${jwt}" https://api.internal/v1/status` },
    { name: 'JWT on its own', text: `token: ${jwt}` },
    { name: 'Vault service token', text: `export VAULT_TOKEN=${j('hv', 's.')}${r(ALNUM + '_-', 92)}` },
    { name: 'Vault batch token', text: `vault login ${j('hv', 'b.')}${r(ALNUM + '_-', 138)}` },
    { name: 'RSA private key', text: pem('RSA PRIVATE') },
    { name: 'OpenSSH private key', text: pem('OPENSSH PRIVATE', 'b3BlbnNzaC1rZXktdjEAAAAA') },
    { name: 'EC private key', text: pem('EC PRIVATE', 'MHcCAQEE') },
    { name: 'PGP private key block', text: [`-----${j('BEGIN PGP PRIVATE ', 'KEY BLOCK')}-----`, '', `lQ${b64(62)}`, ...Array.from({ length: 5 }, () => b64(64)), `=${b64(4)}`, `-----END PGP PRIVATE KEY BLOCK-----`].join('\n') },
    { name: 'SendGrid API key', text: `SENDGRID_API_KEY=${j('S', 'G.')}${r(ALNUM + '_', 22)}.${r(ALNUM + '_', 43)}` },
    { name: 'Twilio API key', text: `TWILIO_API_KEY=${j('S', 'K')}${r(HEX, 32)}` },
    { name: 'OpenAI API key', text: `OPENAI_API_KEY=${j('sk-', 'proj-')}${r(ALNUM + '_-', 74)}T3Blbk${j('FJ')}${r(ALNUM + '_-', 74)}` },
    { name: 'Anthropic API key', text: `ANTHROPIC_API_KEY=${j('sk-ant-', 'api03-')}${r(ALNUM + '_-', 93)}AA` },
    { name: 'Shopify access token', text: `X-Shopify-Access-Token: ${j('shp', 'at_')}${r(HEX, 32)}` },
    { name: 'Datadog API key', text: `DD_API_KEY=${r(HEX, 32)}` },
    { name: 'password = "..." assignment', text: `password = "${r(ALNUM, 6)}!${r(ALNUM, 7)}"` },
    { name: 'DB_PASSWORD: in YAML', text: `  DB_PASSWORD: ${r(ALNUM, 8)}#${r(ALNUM, 6)}` },
    { name: 'password in a Postgres URL', text: `psql "postgres://app_rw:${r(ALNUM, 16)}@db-primary.internal:5432/orders"` },
    { name: 'password in a MongoDB URL', text: `mongodb+srv://admin:${r(ALNUM, 14)}@cluster0.internal/prod?retryWrites=true` },
    { name: 'password in an ADO.NET connection string', text: `Server=tcp:sql-prod.internal,1433;Database=orders;User ID=app;${j('Pass', 'word=')}${r(ALNUM, 12)}!;Encrypt=true;` },
    { name: 'basic auth header', text: `curl -H "Authorization: Basic ${Buffer.from(`deploy:${r(ALNUM, 14)}`).toString('base64')}" https://ci.internal/` },
    { name: 'Docker registry auth', text: `{"auths": {"registry.internal": {"auth": "${Buffer.from(`robot:${r(ALNUM, 20)}`).toString('base64')}"}}}` },
    { name: 'key split across two lines', text: `export AWS_SECRET_ACCESS_KEY=${r(ALNUM + '/+', 20)}\\\n${r(ALNUM + '/+', 20)}` },
  ];
}

/** Look-alikes that must pass: real runbook text that is not a credential. */
export function lookAlikes(): Credential[] {
  return [
    { name: 'commit SHA', text: 'Rolled back to 3f786850e387550fdab836ed7e6dc881de23001b (see git log).' },
    { name: 'short commit SHA', text: 'Fixed in a1b2c3d.' },
    { name: 'UUID', text: 'Incident id: 123e4567-e89b-12d3-a456-426614174000' },
    { name: 'base64 example', text: 'echo "aGVsbG8gd29ybGQ=" | base64 -d   # prints hello world' },
    { name: 'documented AWS example access key', text: `aws_access_key_id = ${j('AKIA', 'IOSFODNN7EXAMPLE')}` },
    { name: 'documented AWS example secret key', text: `aws_secret_access_key = ${j('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY')}` },
    { name: 'placeholder password in a URL', text: 'postgres://app_rw:<password>@db-primary.internal:5432/orders' },
    { name: 'shell variable password', text: 'psql "postgres://app_rw:$PGPASSWORD@db-primary.internal/orders"' },
    { name: 'password variable assignment', text: 'password = "${DB_PASSWORD}"' },
    { name: 'password placeholder in YAML', text: '  DB_PASSWORD: changeme' },
    { name: 'sha256 digest', text: 'image: registry.internal/api@sha256:9b2d3c1e0f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c' },
    { name: 'vault command without a token', text: 'vault kv get -field=password secret/db/orders' },
    { name: 'kubectl secret command', text: 'kubectl get secret db-creds -o jsonpath="{.data.password}" | base64 -d' },
  ];
}
