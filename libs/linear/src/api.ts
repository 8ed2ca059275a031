import { z } from "zod";
import { parseAnswer, type LinearRequest } from "./client.ts";

export const LinearIssue = z.object({
  id: z.string(),
  identifier: z.string(),
  title: z.string(),
  description: z.string().nullable().default(null),
  url: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  state: z.object({ id: z.string(), name: z.string(), type: z.string() }),
  team: z.object({ id: z.string(), key: z.string() }),
  creator: z.object({ id: z.string(), name: z.string(), email: z.string().optional() }).nullable(),
  labels: z.object({ nodes: z.array(z.object({ name: z.string() })) }),
});
export type LinearIssue = z.infer<typeof LinearIssue>;

const PageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const Issues = z.object({ issues: z.object({ nodes: z.array(LinearIssue), pageInfo: PageInfo }) });
const States = z.object({
  workflowStates: z.object({
    nodes: z.array(z.object({ id: z.string(), name: z.string(), type: z.string() })),
  }),
});
const Viewer = z.object({ viewer: z.object({ id: z.string(), name: z.string() }) });
const Comment = z.object({ id: z.string(), body: z.string() });
const Comments = z.object({
  issue: z.object({
    comments: z.object({
      nodes: z.array(Comment.extend({ user: z.object({ id: z.string() }).nullable() })),
    }),
  }),
});
const Payload = (field: string) => z.object({ [field]: z.object({ success: z.boolean() }) });

const ISSUE_FIELDS = `id identifier title description url createdAt updatedAt
  state { id name type } team { id key } creator { id name email } labels { nodes { name } }`;

/** Pages followed at most for one listing (50 issues each). */
const MAX_PAGES = 20;

/** The Linear GraphQL calls nightshift makes: small queries, validated answers. */
export class LinearApi {
  readonly #req: LinearRequest;
  constructor(req: LinearRequest) {
    this.#req = req;
  }

  async viewer(): Promise<{ id: string; name: string }> {
    return parseAnswer(Viewer, await this.#req("query Viewer { viewer { id name } }", {}), "viewer")
      .viewer;
  }

  /** Issues of a team in a state and/or carrying a label, least recently updated first. */
  async issues(f: {
    team: string;
    state?: string | undefined;
    label?: string | undefined;
  }): Promise<LinearIssue[]> {
    const filter: Record<string, unknown> = { team: { key: { eq: f.team } } };
    if (f.state !== undefined) filter["state"] = { name: { eq: f.state } };
    if (f.label !== undefined) filter["labels"] = { some: { name: { eq: f.label } } };
    const out: LinearIssue[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const data = await this.#req(
        `query Issues($filter: IssueFilter, $after: String) {
          issues(filter: $filter, first: 50, after: $after, orderBy: updatedAt) {
            nodes { ${ISSUE_FIELDS} } pageInfo { hasNextPage endCursor } } }`,
        { filter, after },
      );
      const { issues } = parseAnswer(Issues, data, "issues");
      out.push(...issues.nodes);
      if (!issues.pageInfo.hasNextPage || !issues.pageInfo.endCursor) break;
      after = issues.pageInfo.endCursor;
    }
    return out;
  }

  async states(team: string): Promise<{ id: string; name: string; type: string }[]> {
    const data = await this.#req(
      `query States($team: String!) { workflowStates(filter: { team: { key: { eq: $team } } }) { nodes { id name type } } }`,
      { team },
    );
    return parseAnswer(States, data, "workflowStates").workflowStates.nodes;
  }

  async moveIssue(id: string, stateId: string): Promise<void> {
    const data = await this.#req(
      `mutation Move($id: String!, $stateId: String!) { issueUpdate(id: $id, input: { stateId: $stateId }) { success } }`,
      { id, stateId },
    );
    parseAnswer(Payload("issueUpdate"), data, "issueUpdate");
  }

  async comments(
    issueId: string,
  ): Promise<{ id: string; body: string; user: { id: string } | null }[]> {
    const data = await this.#req(
      `query Comments($id: String!) { issue(id: $id) { comments(first: 100) { nodes { id body user { id } } } } }`,
      { id: issueId },
    );
    return parseAnswer(Comments, data, "comments").issue.comments.nodes;
  }

  async createComment(issueId: string, body: string): Promise<string> {
    const data = await this.#req(
      `mutation Comment($issueId: String!, $body: String!) { commentCreate(input: { issueId: $issueId, body: $body }) { success comment { id } } }`,
      { issueId, body },
    );
    return parseAnswer(
      z.object({ commentCreate: z.object({ comment: Comment.pick({ id: true }) }) }),
      data,
      "commentCreate",
    ).commentCreate.comment.id;
  }

  async updateComment(id: string, body: string): Promise<void> {
    const data = await this.#req(
      `mutation EditComment($id: String!, $body: String!) { commentUpdate(id: $id, input: { body: $body }) { success } }`,
      { id, body },
    );
    parseAnswer(Payload("commentUpdate"), data, "commentUpdate");
  }
}
