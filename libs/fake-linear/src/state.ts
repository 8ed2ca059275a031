import { randomUUID } from "node:crypto";

export interface FakeUser {
  id: string;
  name: string;
  email: string;
  apiKey: string;
}
export interface FakeTeam {
  id: string;
  key: string;
  name: string;
}
export interface FakeState {
  id: string;
  name: string;
  type: string;
  position: number;
  team: string;
}
export interface FakeComment {
  id: string;
  issue: string;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}
export interface FakeIssue {
  id: string;
  identifier: string;
  number: number;
  title: string;
  description: string | null;
  team: string;
  state: string;
  creator: string;
  labels: string[];
  createdAt: string;
  updatedAt: string;
}

const DEFAULT_STATES: [string, string][] = [
  ["Backlog", "backlog"],
  ["Todo", "unstarted"],
  ["In Progress", "started"],
  ["In Review", "started"],
  ["Done", "completed"],
  ["Canceled", "canceled"],
];

/** Linear's data as the fake holds it; tests act on it like people would. */
export class LinearData {
  readonly users = new Map<string, FakeUser>();
  readonly teams = new Map<string, FakeTeam>();
  readonly states = new Map<string, FakeState>();
  readonly issues = new Map<string, FakeIssue>();
  readonly comments = new Map<string, FakeComment>();
  #clock = Date.now();

  /** Strictly increasing timestamps, so updates are always newer. */
  now(): string {
    this.#clock = Math.max(this.#clock + 1, Date.now());
    return new Date(this.#clock).toISOString();
  }

  addUser(name: string, apiKey = `lin_api_${randomUUID().replace(/-/g, "")}`): FakeUser {
    const u = { id: randomUUID(), name, email: `${name.toLowerCase()}@example.com`, apiKey };
    this.users.set(u.id, u);
    return u;
  }

  addTeam(key: string, name = key): FakeTeam {
    const t = { id: randomUUID(), key, name };
    this.teams.set(t.id, t);
    DEFAULT_STATES.forEach(([n, type], i) => {
      const s = { id: randomUUID(), name: n, type, position: i, team: t.id };
      this.states.set(s.id, s);
    });
    return t;
  }

  team(key: string): FakeTeam {
    const t = [...this.teams.values()].find((x) => x.key === key);
    if (!t) throw new Error(`no team ${key}`);
    return t;
  }

  state(teamKey: string, name: string): FakeState {
    const team = this.team(teamKey);
    const s = [...this.states.values()].find((x) => x.team === team.id && x.name === name);
    if (!s) throw new Error(`no state ${name} in ${teamKey}`);
    return s;
  }

  createIssue(o: {
    team: string;
    title: string;
    description?: string;
    state: string;
    creator: FakeUser;
    labels?: string[];
  }): FakeIssue {
    const team = this.team(o.team);
    const number = [...this.issues.values()].filter((i) => i.team === team.id).length + 1;
    const at = this.now();
    const issue: FakeIssue = {
      id: randomUUID(),
      identifier: `${team.key}-${number}`,
      number,
      title: o.title,
      description: o.description ?? null,
      team: team.id,
      state: this.state(o.team, o.state).id,
      creator: o.creator.id,
      labels: o.labels ?? [],
      createdAt: at,
      updatedAt: at,
    };
    this.issues.set(issue.id, issue);
    return issue;
  }

  issue(idOrIdentifier: string): FakeIssue | undefined {
    return (
      this.issues.get(idOrIdentifier) ??
      [...this.issues.values()].find((i) => i.identifier === idOrIdentifier)
    );
  }

  moveIssue(id: string, stateName: string): void {
    const i = this.issue(id);
    if (!i) throw new Error(`no issue ${id}`);
    const team = this.teams.get(i.team)!;
    i.state = this.state(team.key, stateName).id;
    i.updatedAt = this.now();
  }

  stateName(issue: FakeIssue): string {
    return this.states.get(issue.state)?.name ?? "?";
  }

  commentsOf(issueId: string): FakeComment[] {
    return [...this.comments.values()]
      .filter((c) => c.issue === issueId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}
