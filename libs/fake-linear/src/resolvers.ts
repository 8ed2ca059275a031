import { GraphQLError } from "graphql";
import type { FakeComment, FakeIssue, FakeUser, LinearData } from "./state.ts";

type Comparator = Record<string, unknown> | undefined;
type Filter = Record<string, unknown> | undefined;

function userError(message: string, type = "invalid input"): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      type,
      code: type.toUpperCase().replace(/ /g, "_"),
      userPresentableMessage: message,
      userError: true,
    },
  });
}

function compare(c: Comparator, v: string | number | undefined): boolean {
  if (!c) return true;
  const s = v === undefined ? undefined : String(v);
  if ("eq" in c && s !== String(c["eq"])) return false;
  if ("neq" in c && s === String(c["neq"])) return false;
  if (Array.isArray(c["in"]) && !c["in"].map(String).includes(s ?? "")) return false;
  if (Array.isArray(c["nin"]) && c["nin"].map(String).includes(s ?? "")) return false;
  if ("eqIgnoreCase" in c && s?.toLowerCase() !== String(c["eqIgnoreCase"]).toLowerCase())
    return false;
  if ("contains" in c && !s?.includes(String(c["contains"]))) return false;
  for (const op of ["gt", "gte", "lt", "lte"] as const) {
    if (!(op in c)) continue;
    const a = typeof v === "number" ? v : Date.parse(s ?? "");
    const b = typeof c[op] === "number" ? c[op] : Date.parse(String(c[op]));
    if (!(op === "gt" ? a > b : op === "gte" ? a >= b : op === "lt" ? a < b : a <= b)) return false;
  }
  return true;
}

function logic<T>(f: Filter, item: T, match: (f: Filter, item: T) => boolean): boolean {
  const and = f?.["and"] as Filter[] | undefined;
  const or = f?.["or"] as Filter[] | undefined;
  if (and && !and.every((x) => match(x, item))) return false;
  if (or && !or.some((x) => match(x, item))) return false;
  return true;
}

function matchLabel(f: Filter, name: string): boolean {
  return (
    compare(f?.["id"] as Comparator, name) &&
    compare(f?.["name"] as Comparator, name) &&
    logic(f, name, matchLabel)
  );
}

export function matchIssue(d: LinearData, f: Filter, i: FakeIssue): boolean {
  if (!f) return true;
  const team = d.teams.get(i.team)!;
  const state = d.states.get(i.state)!;
  const tf = f["team"] as Filter;
  if (
    tf &&
    !(
      compare(tf["id"] as Comparator, team.id) &&
      compare(tf["key"] as Comparator, team.key) &&
      compare(tf["name"] as Comparator, team.name)
    )
  )
    return false;
  const sf = f["state"] as Filter;
  if (
    sf &&
    !(
      compare(sf["id"] as Comparator, state.id) &&
      compare(sf["name"] as Comparator, state.name) &&
      compare(sf["type"] as Comparator, state.type)
    )
  )
    return false;
  const lf = f["labels"] as Filter;
  if (lf) {
    if (lf["some"] && !i.labels.some((l) => matchLabel(lf["some"] as Filter, l))) return false;
    if (lf["every"] && !i.labels.every((l) => matchLabel(lf["every"] as Filter, l))) return false;
    if (
      (lf["name"] || lf["id"]) &&
      !i.labels.some((l) => matchLabel({ name: lf["name"], id: lf["id"] }, l))
    )
      return false;
  }
  if (!compare(f["id"] as Comparator, i.id) || !compare(f["title"] as Comparator, i.title))
    return false;
  if (!compare(f["number"] as Comparator, i.number)) return false;
  if (
    !compare(f["updatedAt"] as Comparator, i.updatedAt) ||
    !compare(f["createdAt"] as Comparator, i.createdAt)
  )
    return false;
  return logic(f, i, (x, y) => matchIssue(d, x, y));
}

function page<T extends { id: string }>(
  items: T[],
  first: number | undefined,
  after: string | undefined,
) {
  const start = after ? items.findIndex((x) => x.id === after) + 1 : 0;
  const size = Math.min(250, first ?? 50);
  const nodes = items.slice(start, start + size);
  return {
    nodes,
    pageInfo: {
      hasPreviousPage: start > 0,
      hasNextPage: start + size < items.length,
      startCursor: nodes[0]?.id ?? null,
      endCursor: nodes.at(-1)?.id ?? null,
    },
  };
}

/** GraphQL root value: Linear's queries and mutations over the fake's data. */
export function rootValue(d: LinearData, viewer: FakeUser): Record<string, unknown> {
  const user = (u: FakeUser | undefined) =>
    u && {
      id: u.id,
      name: u.name,
      displayName: u.name,
      email: u.email,
      active: true,
      isMe: u.id === viewer.id,
    };
  const team = (id: string) => {
    const t = d.teams.get(id)!;
    return { id: t.id, key: t.key, name: t.name };
  };
  const state = (id: string) => {
    const s = d.states.get(id)!;
    return {
      id: s.id,
      name: s.name,
      type: s.type,
      position: s.position,
      color: "#888",
      team: () => team(s.team),
    };
  };
  const comment = (c: FakeComment): Record<string, unknown> => ({
    id: c.id,
    body: c.body,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    url: `https://linear.app/fake/comment/${c.id}`,
    user: () => user(d.users.get(c.user)),
    issue: () => issue(d.issues.get(c.issue)!),
  });
  const issue = (i: FakeIssue): Record<string, unknown> => ({
    id: i.id,
    identifier: i.identifier,
    number: i.number,
    title: i.title,
    description: i.description,
    priority: 0,
    url: `https://linear.app/fake/issue/${i.identifier}`,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    state: () => state(i.state),
    team: () => team(i.team),
    creator: () => user(d.users.get(i.creator)),
    assignee: null,
    labels: (a: { first?: number; after?: string }) =>
      page(
        i.labels.map((name) => ({ id: name, name, color: "#000" })),
        a.first,
        a.after,
      ),
    comments: (a: { first?: number; after?: string }) => {
      const p = page(d.commentsOf(i.id), a.first, a.after);
      return { ...p, nodes: p.nodes.map(comment) };
    },
  });
  const mustIssue = (id: string): FakeIssue => {
    const i = d.issue(id);
    if (!i) throw userError("Entity not found: Issue", "invalid input");
    return i;
  };
  return {
    viewer: () => user(viewer),
    issue: (a: { id: string }) => issue(mustIssue(a.id)),
    issues: (a: { filter?: Filter; first?: number; after?: string; orderBy?: string }) => {
      const key = a.orderBy === "updatedAt" ? "updatedAt" : "createdAt";
      const list = [...d.issues.values()]
        .filter((i) => matchIssue(d, a.filter, i))
        .sort((x, y) => y[key].localeCompare(x[key]));
      const p = page(list, a.first, a.after);
      return { ...p, nodes: p.nodes.map(issue) };
    },
    workflowStates: (a: { filter?: Filter; first?: number; after?: string }) => {
      const f = a.filter;
      const list = [...d.states.values()].filter((s) => {
        const t = d.teams.get(s.team)!;
        const tf = f?.["team"] as Filter;
        return (
          compare(f?.["name"] as Comparator, s.name) &&
          compare(f?.["type"] as Comparator, s.type) &&
          compare(f?.["id"] as Comparator, s.id) &&
          (!tf ||
            (compare(tf["key"] as Comparator, t.key) && compare(tf["id"] as Comparator, t.id)))
        );
      });
      const p = page(list, a.first, a.after);
      return { ...p, nodes: p.nodes.map((s) => state(s.id)) };
    },
    issueUpdate: (a: {
      id: string;
      input: { stateId?: string; title?: string; description?: string };
    }) => {
      const i = mustIssue(a.id);
      if (a.input.stateId !== undefined) {
        const s = d.states.get(a.input.stateId);
        if (!s || s.team !== i.team)
          throw userError("Invalid state: the state does not belong to the issue's team");
        i.state = s.id;
      }
      if (a.input.title !== undefined) i.title = a.input.title;
      if (a.input.description !== undefined) i.description = a.input.description;
      i.updatedAt = d.now();
      return { success: true, lastSyncId: Date.now(), issue: () => issue(i) };
    },
    commentCreate: (a: { input: { issueId: string; body: string } }) => {
      const i = mustIssue(a.input.issueId);
      const at = d.now();
      const c: FakeComment = {
        id: crypto.randomUUID(),
        issue: i.id,
        body: a.input.body,
        user: viewer.id,
        createdAt: at,
        updatedAt: at,
      };
      d.comments.set(c.id, c);
      i.updatedAt = at;
      return { success: true, lastSyncId: Date.now(), comment: () => comment(c) };
    },
    commentUpdate: (a: { id: string; input: { body?: string } }) => {
      const c = d.comments.get(a.id);
      if (!c) throw userError("Entity not found: Comment");
      if (c.user !== viewer.id) throw userError("You can only edit your own comments", "forbidden");
      if (a.input.body !== undefined) c.body = a.input.body;
      c.updatedAt = d.now();
      return { success: true, lastSyncId: Date.now(), comment: () => comment(c) };
    },
  };
}
