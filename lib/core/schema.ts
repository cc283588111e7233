/**
 * The front-matter schema and the site configuration schema. Schema first: the TypeScript types
 * below are inferred from these, and the build's error messages come from the same definitions.
 */
import { z } from 'zod';

const teamId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes');

/** A YAML date (`2026-11-01`) arrives as a Date from js-yaml; a quoted one as a string. */
const isoDate = z.union([z.date(), z.string()]).transform((value, ctx) => {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    ctx.addIssue({ code: 'custom', message: 'must be a date written as YYYY-MM-DD, like 2026-11-01' });
    return z.NEVER;
  }
  return text;
});

const stringList = z.array(z.string().min(1, 'must not be empty'));

/** Every field a page may set. Unknown fields are reported (with a suggestion) by the frontmatter stage. */
export const frontMatterSchema = z.strictObject({
  title: z.string().trim().min(1, 'must not be empty').optional(),
  description: z.string().optional(),
  layout: z.string().min(1).optional(),
  /** On a section's index.md: the page names (file names without .md) in reading order.
   *  On any other page: a number; numbered pages come before unnumbered ones. */
  order: z.union([z.number(), z.array(z.string().min(1))]).optional(),
  draft: z.boolean().optional(),
  type: z.enum(['runbook', 'page']).optional(),
  owner: teamId.optional(),
  severity: z.enum(['warning', 'critical']).optional(),
  services: stringList.optional(),
  alerts: stringList.optional(),
  /** Old URLs of this page (as Hugo names them): each keeps working as a redirect here. */
  aliases: stringList.optional(),
  /** Placeholders the alert's URL may fill in commands (`?topic=api` fills `{topic}`). */
  params: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lowercase letters, digits and underscores, starting with a letter')).optional(),
  last_reviewed: isoDate.optional(),
  review_every: z.number().int().positive().optional(),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;
export const frontMatterFields = Object.keys(frontMatterSchema.shape) as (keyof FrontMatter)[];

/** Fields a runbook must have, checked in addition to the schema above. */
export const runbookRequiredFields = ['owner', 'severity', 'services', 'alerts', 'last_reviewed'] as const;

export const environmentSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string(),
  account: z.string(),
  account_id: z.string(),
  role: z.string(),
  cluster: z.string(),
  region: z.string(),
  bastion: z.string(),
  production: z.boolean().default(false),
});
export type Environment = z.infer<typeof environmentSchema>;

export const teamSchema = z.strictObject({
  id: teamId,
  name: z.string(),
  slack: z.string().optional(),
  pager: z.string().optional(),
});
export type Team = z.infer<typeof teamSchema>;

/**
 * A web address the site links to: http(s) only. z.url() alone accepts `javascript:alert(1)//`,
 * which the "Edit this page" link would then run when clicked (issue 12).
 */
const webUrl = z.url({ protocol: /^https?$/, error: 'must be a web address starting with https:// (or http://)' });

export const siteConfigSchema = z.strictObject({
  title: z.string(),
  description: z.string().default(''),
  /** Where the site is published (e.g. https://runbooks.example.com): absolute URLs in alerts.json and sitemap.xml. */
  url: webUrl.optional(),
  /** `lowercase` (default): URLs in lowercase, the file name's case redirects there; `preserve`: URLs keep the file name's case. */
  url_case: z.enum(['lowercase', 'preserve']).default('lowercase'),
  repository: z
    .strictObject({ url: webUrl, branch: z.string().default('master') })
    .optional(),
  review_every_days: z.number().int().positive().default(90),
  /** Top-level sections whose pages are runbooks unless they say `type: page`. */
  runbook_sections: z.array(z.string()).default([]),
  environments: z.array(environmentSchema).default([]),
  teams: z.array(teamSchema).default([]),
  /** Where the team's alert rules live (globs relative to the project): checked against the runbooks. */
  alert_rules: z.array(z.string().min(1)).default([]),
  /** Page URLs deliberately removed: a build does not fail when they vanish from the previous release. */
  removed_urls: z.array(z.string().min(1)).default([]),
  /** Search settings (plugins/search.ts). */
  search: z
    .strictObject({
      /** `oom: [out of memory, memory]`: a query for any of these words also finds the others. */
      synonyms: z.record(z.string().min(1), z.array(z.string().trim().min(1, 'must not be empty')).min(1, 'list at least one word that means the same')).default({}),
    })
    .default({ synonyms: {} }),
});
export type SiteConfig = z.infer<typeof siteConfigSchema>;
