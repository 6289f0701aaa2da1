import {
  ListEventBusesCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  type EventBridgeClient,
  type Rule,
  type Target,
} from "@aws-sdk/client-eventbridge";
import { forEachBounded } from "../engine/concurrency.ts";
import { canonicalJson, DEFAULT_BUS, DEFAULT_PREFIX, RULE_TAG, type RuleSpec } from "./rule-model.ts";

export interface LoadRulesOptions {
  prefix?: string;
  /** Page size for ListRules / ListTargetsByRule (EventBridge allows up to 100). */
  pageSize?: number;
}

/** What EventBridge holds: the buses, and every rule named with the prefix on any of them. */
export interface LoadedRules {
  buses: string[];
  rules: RuleSpec[];
}

// Reads in flight at once; EventBridge's control-plane APIs throttle at a few dozen per second.
const READ_CONCURRENCY = 5;

/** Every event bus of the account and region, page by page. */
export async function loadBusNames(client: EventBridgeClient): Promise<string[]> {
  const names = new Set<string>([DEFAULT_BUS]);
  let token: string | undefined;
  do {
    const page = await client.send(new ListEventBusesCommand({ NextToken: token }));
    for (const bus of page.EventBuses ?? []) if (bus.Name) names.add(bus.Name);
    token = page.NextToken;
  } while (token);
  return [...names];
}

async function listRules(client: EventBridgeClient, bus: string, prefix: string, pageSize: number): Promise<Rule[]> {
  const rules: Rule[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListRulesCommand({ EventBusName: bus, NamePrefix: prefix, Limit: pageSize, NextToken: token }));
    rules.push(...(page.Rules ?? []));
    token = page.NextToken;
  } while (token);
  return rules;
}

async function listTargets(client: EventBridgeClient, rule: string, bus: string, pageSize: number): Promise<Target[]> {
  const targets: Target[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus, Limit: pageSize, NextToken: token }));
    targets.push(...(page.Targets ?? []));
    token = page.NextToken;
  } while (token);
  return targets;
}

function patternText(pattern: string | undefined): string | undefined {
  if (!pattern) return undefined;
  try {
    return canonicalJson(JSON.parse(pattern));
  } catch {
    return pattern;
  }
}

/**
 * Reads every rule whose name has the prefix, on every bus, with its tags and, for managed
 * rules, its targets. Reads only; every list is paged to the end.
 *
 * @example
 * const { buses, rules } = await loadRules(clients.eventBridge, { prefix: "caretaker-" });
 */
export async function loadRules(client: EventBridgeClient, options: LoadRulesOptions = {}): Promise<LoadedRules> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const pageSize = options.pageSize ?? 100;
  const buses = await loadBusNames(client);
  const listed: Array<{ rule: Rule; bus: string }> = [];
  await forEachBounded(buses, READ_CONCURRENCY, async (bus) => {
    for (const rule of await listRules(client, bus, prefix, pageSize)) listed.push({ rule, bus });
  });
  const rules: RuleSpec[] = new Array(listed.length);
  await forEachBounded(listed, READ_CONCURRENCY, async ({ rule, bus }, index) => {
    const name = rule.Name ?? "";
    const tagList = (await client.send(new ListTagsForResourceCommand({ ResourceARN: rule.Arn }))).Tags ?? [];
    const tags: Record<string, string> = {};
    for (const tag of tagList) if (tag.Key) tags[tag.Key] = tag.Value ?? "";
    // Targets of a rule we do not manage are none of our business.
    const targets = tags[RULE_TAG.managed] === "true" ? await listTargets(client, name, bus, pageSize) : [];
    rules[index] = {
      name,
      arn: rule.Arn,
      bus: rule.EventBusName ?? bus,
      eventPattern: patternText(rule.EventPattern),
      scheduleExpression: rule.ScheduleExpression || undefined,
      state: rule.State ?? "ENABLED",
      description: rule.Description,
      tags,
      targets,
    };
  });
  return { buses, rules };
}
